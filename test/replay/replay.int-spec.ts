// Replays the saved histories (test/replay/histories, recorded from real runs of earlier workflow code) with the
// current workflow bundle: a change that would break running cases fails here. It also proves the check works:
// the same change fails when unguarded and passes behind patched().
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ReplayResult, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleNapflowWorkflows, workflowsPath } from '@app/temporal/workflow-bundle';
import { caseWorkflow } from '@app/workflows/case.workflow';
import { caseWorkflowId, completeStepUpdate } from '@app/workflows/definitions';
import {
  advanceTo,
  createTimeSkippingEnv,
  installQuietRuntime,
  FakeCaseActivities,
  local,
  waitFor,
} from '../support/workflow-testing';
import { actor, input } from './history-scenarios';
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

/** A copy of workflows/ with `replacements` made in case.workflow.ts (each text must be there). */
async function bundleReplaced(replacements: Array<[string, string]>): Promise<WorkflowBundleWithSourceMap> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-replay-'));
  try {
    for (const name of fs.readdirSync(workflowsPath)) {
      if (name.endsWith('.ts') && !name.endsWith('.spec.ts'))
        fs.copyFileSync(path.join(workflowsPath, name), path.join(dir, name));
    }
    const file = path.join(dir, 'case.workflow.ts');
    let source = fs.readFileSync(file, 'utf8');
    for (const [from, to] of replacements) {
      if (!source.includes(from)) throw new Error(`case.workflow.ts no longer has: ${from}`);
      source = source.replace(from, to);
    }
    fs.writeFileSync(file, source);
    return await bundleNapflowWorkflows({ workflowsPath: dir });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A copy of workflows/ where case.workflow.ts has `insertion` added at the start of each run. */
function bundleAltered(insertion: string, imports: string[]): Promise<WorkflowBundleWithSourceMap> {
  const anchor = '  // Start (or resume), then loop on the next instant the engine wants to be woken at.\n';
  const source = fs.readFileSync(path.join(workflowsPath, 'case.workflow.ts'), 'utf8');
  const missing = imports.filter((name) => !source.includes(`\n  ${name},\n`));
  return bundleReplaced([
    [anchor, `${insertion}\n${anchor}`],
    [
      'import {\n  ActivityFailure,',
      ['import {', ...missing.map((name) => `  ${name},`), '  ActivityFailure,'].join('\n'),
    ],
  ]);
}

// The change: a new notice at the start of every run (an activity where the recorded runs have none).
const NEW_NOTICE =
  "  await notify({ key: 'replay-proof', kind: 'step_assigned', workflowId: 'replay-proof', toAgencies: [], toCoordinators: false, data: {} });";

// a failed replay logs each nondeterminism at WARN from the core: expected below, noise in the output
beforeAll(() => installQuietRuntime());

describe('saved workflow histories', () => {
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

  // the change below is to the case workflow: the histories of cases (an import's notices workflow runs other code)
  const cases = histories.filter((h) => h.workflowId.startsWith('case:'));

  it('fail when a change to the case workflow is not guarded by patched()', async () => {
    expect(cases.length).toBeLessThan(histories.length);
    const bundle = await bundleAltered(NEW_NOTICE, []);
    const results = await replay(bundle, cases);
    expect(results.map((r) => [r.workflowId, r.error?.name])).toEqual(
      cases.map((h) => [h.workflowId, 'DeterminismViolationError']),
    );
  }, 120_000);

  it('pass when the same change is guarded by patched()', async () => {
    const bundle = await bundleAltered(`  if (patched('napflow-replay-proof')) {\n${NEW_NOTICE}\n  }`, [
      'patched',
    ]);
    const results = await replay(bundle, histories);
    expect(results).toHaveLength(histories.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  }, 120_000);
});

describe('a case begun under the code before notifyAll, taken over by the current code', () => {
  it("sends one activity per notice until then, then a transition's notices in one notifyAll behind its marker; the whole history replays", async () => {
    // the code of 35be9b5 as far as notices go: runs began under napflow-patches-2026-11, one notify per notice
    const before = await bundleReplaced([
      [
        'const handOverByRecord = patched(ALL_PATCHES_OF_2026_11_29);\n  const startedUnderLatestCode = handOverByRecord || patched(ALL_PATCHES_OF_2026_11_28);',
        'const handOverByRecord = false;\n  const startedUnderLatestCode = false;',
      ],
      [
        'if (startedUnderLatestCode || patched(NOTIFY_IN_ONE_ACTIVITY)) await sendTogether(notifyAll, batch);',
        'if (startedUnderLatestCode) await sendTogether(notifyAll, batch);',
      ],
    ]);
    const current = await bundleNapflowWorkflows();
    const env = await createTimeSkippingEnv();
    const fake = new FakeCaseActivities();
    const taskQueue = 'replay-switch';
    const workflowId = caseWorkflowId('KG-NAP-2013', 'SWITCH-1');
    try {
      await advanceTo(env, local('2040-02-06 10:00'));
      const worker = (bundle: WorkflowBundleWithSourceMap) =>
        Worker.create({
          connection: env.nativeConnection,
          taskQueue,
          workflowBundle: bundle,
          activities: fake.activities,
          // no sticky queue: the first worker is gone when the second takes over (the time-skipping server's
          // queries and updates to a dead worker's sticky queue hung)
          maxCachedWorkflows: 0,
        });
      const handle = await (
        await worker(before)
      ).runUntil(async () => {
        const h = await env.client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId,
          args: [input('measure', 'SWITCH-1', { supportingAgencies: ['KG-CUSTOMS'], dueOn: '2040-06-29' })],
        });
        await waitFor(async () => (fake.notifications.length === 2 ? true : undefined));
        return h;
      });
      // the start's two assignment notices, one activity each
      expect(fake.activityCalls).toEqual({ notify: 2, notifyAll: 0 });

      await (
        await worker(current)
      ).runUntil(async () => {
        // the supporting agency delivers (no notice), then the lead agency: its head is asked to approve
        await handle.executeUpdate(completeStepUpdate, {
          args: [{ stepKey: 'contribute', actor: actor('KG-CUSTOMS') }],
        });
        await handle.executeUpdate(completeStepUpdate, {
          args: [{ stepKey: 'execute', actor: actor('KG-MOE') }],
        });
        await waitFor(async () => (fake.activityCalls.notifyAll === 1 ? true : undefined));
        await waitFor(async () =>
          (await handle.describe()).raw.pendingActivities?.length ? undefined : true,
        );
      });
      expect(fake.activityCalls).toEqual({ notify: 2, notifyAll: 1 });

      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const scheduled = events
        .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
        .filter((name): name is string => typeof name === 'string');
      expect(scheduled).toEqual(['notify', 'notify', 'notifyAll']);
      const patches = events
        .map((e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data)
        .filter((data): data is Uint8Array => data instanceof Uint8Array)
        .map((data) => (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id);
      expect(patches).toEqual(['napflow-patches-2026-11', 'napflow-notify-in-one-activity']);
      // a worker that replays it from the start (a restart, an evicted cache) follows the same path
      await expect(
        Worker.runReplayHistory(
          { workflowBundle: current, replayName: 'napflow-replay' },
          history,
          workflowId,
        ),
      ).resolves.toBeUndefined();
    } finally {
      await env.teardown();
    }
  }, 180_000);
});
