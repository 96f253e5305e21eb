// Scenario 2, approval round trip: POST /cases/{id}/steps/{step}/decision latency and throughput at 1, 10 and 50
// concurrent approvers, beside a bare client sending the same kind of Update to a minimal workflow.
import { randomUUID } from 'node:crypto';
import { approveUpdate, finishSignal } from '../baseline-workflows/workflows';
import { BASELINE_TASK_QUEUE } from '../baseline-workflows/baseline-worker';
import { compare, endProgress, progress, type Comparison, type ScenarioResult } from '../support/report';
import type { Seeded } from '../support/seed';
import type { BenchStack } from '../support/stack';
import { cpuPerOperation } from '../support/cpu';
import { pooled, round, summarize, type LatencySummary } from '../support/stats';
import { BULK_PLAN } from './bulk-start';

export const APPROVAL_LEVELS: Array<{ concurrency: number; cases: number }> = [
  // 50 cases (100 decisions) at 1: with 40 samples the p95 was the second-slowest answer, and moved 2× run to run
  { concurrency: 1, cases: 50 },
  { concurrency: 10, cases: 100 },
  { concurrency: 50, cases: 150 },
];

interface LevelFigures {
  latency: LatencySummary;
  throughput: number;
  errors: number;
}

export async function approvalRoundTrip(
  stack: BenchStack,
  seeded: Seeded,
  available: number,
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const tag = 'approval';
  const needed = APPROVAL_LEVELS.reduce((a, l) => a + l.cases, 0);
  const scale = Math.min(1, available / needed);
  const levels = APPROVAL_LEVELS.map((l) => ({
    ...l,
    cases: Math.max(l.concurrency, Math.floor(l.cases * scale)),
  }));
  const total = levels.reduce((a, l) => a + l.cases, 0);

  // Setup (not measured): the lead agency completes its task, so the head-of-agency approval is open.
  const { rows } = await stack.pg.query<{ id: string; lead_agency: string }>(
    `SELECT id, lead_agency FROM cases WHERE plan_code = $1 AND status = 'active' ORDER BY code LIMIT $2`,
    [BULK_PLAN, total],
  );
  let done = 0;
  await pooled(rows.length, 10, async (i) => {
    const c = rows[i];
    await seeded.focal[c.lead_agency].request(
      'POST',
      `/cases/${c.id}/steps/execute/complete`,
      { note: 'done' },
      [200],
    );
    done += 1;
    if (done % 20 === 0) progress(tag, `setup: ${done}/${rows.length} tasks completed`);
  });

  const baselineIds = Array.from({ length: total }, () => `minimal-${randomUUID().slice(0, 12)}`);
  await pooled(total, 20, async (i) => {
    await stack.temporal.workflow.start('minimalUpdateWorkflow', {
      taskQueue: BASELINE_TASK_QUEUE,
      workflowId: baselineIds[i],
      args: [],
    });
  });

  const comparisons: Comparison[] = [];
  const figures: Record<string, unknown> = {};
  const cpuNotes: string[] = [];
  let offset = 0;
  for (const level of levels) {
    const cases = rows.slice(offset, offset + level.cases);
    const wfs = baselineIds.slice(offset, offset + level.cases);
    offset += level.cases;

    // Baseline first: two updates per workflow (like the two approvals of a case), `concurrency` workflows at a time.
    const cpuBase0 = stack.cpu();
    const base = await measure(
      level.cases,
      level.concurrency,
      async (i, record) => {
        const h = stack.temporal.workflow.getHandle(wfs[i]);
        for (const by of ['lead', 'coordinator']) {
          await record(() => h.executeUpdate(approveUpdate, { args: [{ by, decision: 'approve' }] }));
        }
      },
      (n) => progress(tag, `baseline c=${level.concurrency}: ${n} updates`),
    );
    const cpuBase1 = stack.cpu();
    // napflow: the head of the lead agency approves, then the national coordinator.
    const nap = await measure(
      level.cases,
      level.concurrency,
      async (i, record) => {
        const c = cases[i];
        await record(() =>
          seeded.focal[c.lead_agency].request(
            'POST',
            `/cases/${c.id}/steps/head_approval/decision`,
            { decision: 'approve' },
            [200],
          ),
        );
        await record(() =>
          seeded.coordinator.request(
            'POST',
            `/cases/${c.id}/steps/coordinator_approval/decision`,
            { decision: 'approve' },
            [200],
          ),
        );
      },
      (n) => progress(tag, `napflow c=${level.concurrency}: ${n} decisions`),
    );

    const cpuNap1 = stack.cpu();
    const c = level.concurrency;
    // what one decision / one Update cost in CPU, in every part of the stack (the notifications a decision sends
    // go on after its answer, so a level's last ones may fall outside its window)
    const cpu = {
      napflow: cpuPerOperation(cpuBase1, cpuNap1, nap.latency.count),
      baseline: cpuPerOperation(cpuBase0, cpuBase1, base.latency.count),
    };
    figures[`c${c}`] = { napflow: nap, baseline: base, cpuMsPerOperation: cpu };
    cpuNotes.push(`CPU ms per operation @${c}: ${JSON.stringify(cpu)}`);
    comparisons.push(compare(`p50 @${c}`, 'ms', nap.latency.p50, base.latency.p50));
    comparisons.push(
      compare(`p95 @${c}`, 'ms', nap.latency.p95, base.latency.p95, {
        ratio: 1.3,
        higherIsBetter: false,
        ...(c === 10 ? { absolute: { max: 150 } } : {}),
      }),
    );
    comparisons.push(compare(`p99 @${c}`, 'ms', nap.latency.p99, base.latency.p99));
    comparisons.push(compare(`throughput @${c}`, 'req/s', nap.throughput, base.throughput));
    comparisons.push(compare(`errors @${c}`, 'count', nap.errors, base.errors));
    comparisons.push(compare(`CPU per op @${c}`, 'ms', cpu.napflow.total ?? 0, cpu.baseline.total ?? 0));
  }
  endProgress();
  await pooled(total, 20, async (i) => {
    await stack.temporal.workflow.getHandle(baselineIds[i]).signal(finishSignal);
  });
  return {
    scenario: 'approval',
    title: 'approval round trip: POST .../decision vs a bare Update to a minimal workflow',
    parameters: { levels },
    comparisons,
    figures,
    notes: [
      'Each lane takes one case and sends its two approvals (head of the lead agency, then the national coordinator); the baseline sends two Updates to one minimal workflow.',
      'napflow latency includes HTTP, authentication, access checks, the Update with validator, the read-model/audit activity and the answer.',
      'CPU per op: CPU milliseconds per decision (napflow) or per Update (baseline) summed over every process of the stack (Temporal, PostgreSQL, API, workers, this process with its SMTP sink); figures.cpuMsPerOperation splits it by part.',
      ...cpuNotes,
    ],
    durationMs: Date.now() - t0,
  };
}

async function measure(
  count: number,
  concurrency: number,
  lane: (i: number, record: (fn: () => Promise<unknown>) => Promise<void>) => Promise<void>,
  onProgress: (n: number) => void,
): Promise<LevelFigures> {
  const samples: number[] = [];
  let errors = 0;
  const record = async (fn: () => Promise<unknown>) => {
    const s = performance.now();
    try {
      await fn();
      samples.push(performance.now() - s);
    } catch (err) {
      errors += 1;
      if (errors <= 3)
        console.error(`\n  request failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if ((samples.length + errors) % 20 === 0) onProgress(samples.length + errors);
  };
  const w0 = performance.now();
  await pooled(count, concurrency, (i) => lane(i, record));
  const wall = performance.now() - w0;
  return { latency: summarize(samples), throughput: round(samples.length / (wall / 1000), 1), errors };
}
