import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The napflow checkout this code runs from: the nearest ancestor whose package.json is named
 * napflow. Works from the sources (jest, ts) and from the compiled tree under dist/.
 */
export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'napflow') {
          return (cached = dir);
        }
      } catch {
        // an unreadable manifest is not ours: keep walking up
      }
    }
    if (path.dirname(dir) === dir) return (cached = process.cwd());
  }
}
