// Replays the saved histories (test/replay/histories, recorded from real runs of earlier workflow code) with the
// current workflow bundle: a change that would break running cases fails here. It also proves the check works:
// the same change fails when unguarded and passes behind patched().
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ReplayResult, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleNapflowWorkflows, workflowsPath } from '@app/temporal/workflow-bundle';
import { installQuietRuntime } from '../support/workflow-testing';
import { asReplayInput, loadSavedHistories, type SavedHistory } from './replay-histories';

async function replay(
  bundle: WorkflowBundleWithSourceMap,
  histories: SavedHistory[],
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  // same interceptors and converters as the worker: the SDK defaults (napflow adds none)
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'napflow-replay' },
    asReplayInput(histories),
  )) {
    results.push(result);
  }
  return results;
}

/** A copy of workflows/ where case.workflow.ts has `insertion` added at the start of each run. */
async function bundleAltered(insertion: string, imports: string[]): Promise<WorkflowBundleWithSourceMap> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-replay-'));
  try {
    for (const name of fs.readdirSync(workflowsPath)) {
      if (name.endsWith('.ts') && !name.endsWith('.spec.ts'))
        fs.copyFileSync(path.join(workflowsPath, name), path.join(dir, name));
    }
    const file = path.join(dir, 'case.workflow.ts');
    const anchor = '  // Start (or resume), then loop on the next instant the engine wants to be woken at.\n';
    const source = fs.readFileSync(file, 'utf8');
    if (!source.includes(anchor))
      throw new Error('the start of a run moved in case.workflow.ts: update the anchor of this test');
    const missing = imports.filter((name) => !source.includes(`\n  ${name},\n`));
    const altered = source
      .replace(anchor, `${insertion}\n${anchor}`)
      .replace(
        'import {\n  ActivityFailure,',
        ['import {', ...missing.map((name) => `  ${name},`), '  ActivityFailure,'].join('\n'),
      );
    fs.writeFileSync(file, altered);
    return await bundleNapflowWorkflows({ workflowsPath: dir });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The change: a new notice at the start of every run (an activity where the recorded runs have none).
const NEW_NOTICE =
  "  await notify({ key: 'replay-proof', kind: 'step_assigned', workflowId: 'replay-proof', toAgencies: [], toCoordinators: false, data: {} });";

describe('saved workflow histories', () => {
  // a failed replay logs each nondeterminism at WARN from the core: expected below, noise in the output
  beforeAll(() => installQuietRuntime());
  const histories = loadSavedHistories();
  it('are there: completed, open and continued-as-new cases', () => {
    expect(histories.length).toBeGreaterThanOrEqual(3);
    expect(histories.some((h) => /completed/.test(h.description))).toBe(true);
    expect(histories.some((h) => /open/.test(h.description))).toBe(true);
  });

  it('replay with the current workflow code', async () => {
    const results = await replay(await bundleNapflowWorkflows(), histories);
    expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error?.message }))).toEqual(
      histories.map((h) => ({ workflowId: h.workflowId, error: undefined })),
    );
  }, 120_000);

  it('fail when a change to the workflow is not guarded by patched()', async () => {
    const bundle = await bundleAltered(NEW_NOTICE, []);
    const results = await replay(bundle, histories);
    expect(results.map((r) => [r.workflowId, r.error?.name])).toEqual(
      histories.map((h) => [h.workflowId, 'DeterminismViolationError']),
    );
  }, 120_000);

  it('pass when the same change is guarded by patched()', async () => {
    const bundle = await bundleAltered(`  if (patched('napflow-replay-proof')) {\n${NEW_NOTICE}\n  }`, [
      'patched',
    ]);
    const results = await replay(bundle, histories);
    expect(results.filter((r) => r.error)).toEqual([]);
  }, 120_000);
});
