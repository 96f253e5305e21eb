// Records the histories replay.int-spec.ts replays. Skipped unless asked for:
//   NAPFLOW_RECORD_HISTORIES=1 npx jest test/replay/record-histories --selectProjects integration
// Files are named <tag>-<scenario>.json (tag: NAPFLOW_HISTORY_TAG, default today's date). Keep the old files: they
// are the histories of the workflow code as it was, which running cases still have.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleNapflowWorkflows } from '@app/temporal/workflow-bundle';
import { recordScenarioHistories } from './history-scenarios';
import { historiesDir } from './replay-histories';

const record = process.env.NAPFLOW_RECORD_HISTORIES === '1';

(record ? describe : describe.skip)('recordScenarioHistories', () => {
  it('writes the histories of every scenario run to test/replay/histories', async () => {
    const tag = process.env.NAPFLOW_HISTORY_TAG ?? new Date().toISOString().slice(0, 10);
    const histories = await recordScenarioHistories(await bundleNapflowWorkflows());
    fs.mkdirSync(historiesDir, { recursive: true });
    for (const { name, saved } of histories) {
      fs.writeFileSync(path.join(historiesDir, `${tag}-${name}.json`), `${JSON.stringify(saved, null, 1)}\n`);
    }
    expect(histories.length).toBeGreaterThanOrEqual(3);
  }, 180_000);
});
