#!/usr/bin/env node
// Builds napflow for `npm start` and production: TypeScript → dist/, path aliases rewritten, the workflow bundle
// prebuilt (Nest's own build breaks workflowsPath), and the dashboard's static files.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, fn) {
  const t0 = Date.now();
  process.stdout.write(`[build] ${title} ...`);
  fn();
  process.stdout.write(` done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

function run(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (res.status !== 0) {
    process.stdout.write(' failed\n');
    process.stderr.write(res.stdout + res.stderr);
    process.exit(res.status ?? 1);
  }
}

step('compiling TypeScript (tsconfig.build.json)', () => {
  // tsc's incremental record says nothing about outputs deleted since: without dist/ it would compile nothing
  if (!fs.existsSync(path.join(root, 'dist')))
    fs.rmSync(path.join(root, '.cache/tsconfig.build.tsbuildinfo'), { force: true });
  run(bin('tsc'), ['-p', 'tsconfig.build.json']);
  run(bin('tsc-alias'), ['-p', 'tsconfig.build.json']);
});

step('bundling workflows', () => {
  run(process.execPath, [
    '-e',
    `require(${JSON.stringify(path.join(root, 'dist/libs/temporal/src/workflow-bundle.js'))})
      .bundleNapflowWorkflows()
      .then((b) => require('node:fs').writeFileSync(${JSON.stringify(path.join(root, 'dist/workflow-bundle.js'))}, b.code))
      .catch((e) => { console.error(e); process.exit(1); });`,
  ]);
});

if (fs.existsSync(path.join(root, 'apps/dashboard/vite.config.ts'))) {
  step('building the dashboard (vite)', () =>
    run(bin('vite'), ['build', '--config', 'apps/dashboard/vite.config.ts', '--logLevel', 'warn']),
  );
}
