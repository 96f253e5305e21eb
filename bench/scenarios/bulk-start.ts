// Scenario 1, bulk start: N measures imported through the API until every workflow runs and every read-model row
// exists, beside a bare Temporal client starting N no-op workflows (same run, same Temporal).
import { randomUUID } from 'node:crypto';
import { BASELINE_TASK_QUEUE } from '../baseline-workflows/baseline-worker';
import { compare, progress, endProgress, type ScenarioResult } from '../support/report';
import { LEAD_AGENCIES, type Seeded } from '../support/seed';
import type { BenchStack } from '../support/stack';
import { cpuPerOperation } from '../support/cpu';
import { pooled, round, waitUntil } from '../support/stats';

export const BULK_PLAN = 'BENCH';
/** the import endpoint takes at most 2,000 rows a file */
const ROWS_PER_FILE = 2000;
const BASELINE_CONCURRENCY = 32;

export function measuresCsv(codes: string[], dueOn: (i: number) => string): string {
  const lines = ['code,title,leadAgency,dueOn'];
  codes.forEach((code, i) =>
    lines.push(`${code},"Benchmark measure ${i}",${LEAD_AGENCIES[i % LEAD_AGENCIES.length]},${dueOn(i)}`),
  );
  return `${lines.join('\n')}\n`;
}

export async function bulkStart(stack: BenchStack, seeded: Seeded, n: number): Promise<ScenarioResult> {
  const t0 = Date.now();
  const tag = 'bulk-start';

  // Baseline: a bare client starting N no-op workflows, then waiting until each has run.
  const runId = randomUUID().slice(0, 8);
  const b0 = Date.now();
  const cpuB0 = stack.cpu();
  let started = 0;
  // each lane waits for its workflow's result before starting the next: at most BASELINE_CONCURRENCY long polls
  // at once (the dev server refuses more: "namespace concurrent poller limit exceeded" at N = 10,000)
  await pooled(n, BASELINE_CONCURRENCY, async (i) => {
    const h = await stack.temporal.workflow.start('noopWorkflow', {
      taskQueue: BASELINE_TASK_QUEUE,
      workflowId: `noop-${runId}-${i}`,
      args: [],
    });
    await h.result();
    started += 1;
    if (started % 100 === 0) progress(tag, `baseline: ${started}/${n} started and completed`);
  });
  const baselineMs = Date.now() - b0;
  const cpuB1 = stack.cpu();
  progress(tag, `baseline: ${n} no-op workflows started and completed in ${baselineMs} ms`);

  // napflow: CSV import(s) through the API, then every read-model row written by its workflow.
  const codes = Array.from({ length: n }, (_, i) => `M${String(i).padStart(6, '0')}`);
  const dueOn = (i: number) =>
    `2031-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const n0 = Date.now();
  for (let off = 0; off < n; off += ROWS_PER_FILE) {
    const chunk = codes.slice(off, off + ROWS_PER_FILE);
    const form = new FormData();
    form.append(
      'file',
      new Blob([measuresCsv(chunk, (i) => dueOn(off + i))], { type: 'text/csv' }),
      'measures.csv',
    );
    const report = await seeded.coordinator.request<{ created: number }>(
      'POST',
      `/plans/${BULK_PLAN}/import`,
      form,
      [200],
    );
    progress(
      tag,
      `napflow: import of rows ${off + 1}-${off + chunk.length} answered (${report.created} created) at ${Date.now() - n0} ms`,
    );
  }
  const importMs = Date.now() - n0;
  await waitUntil(
    'every imported case to be projected',
    async () => {
      const { rows } = await stack.pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM cases WHERE plan_code = $1 AND seq >= 0`,
        [BULK_PLAN],
      );
      progress(tag, `napflow: ${rows[0].n}/${n} read-model rows written (${Date.now() - n0} ms)`);
      return rows[0].n >= n;
    },
    Math.max(600_000, n * 200),
    500,
  );
  const napflowMs = Date.now() - n0;
  const cpuN1 = stack.cpu();
  endProgress();
  // each file's cases hand their assignment notices to the import's notices workflow (one email per agency, sent once
  // every case has been heard from): what goes out after the last case is projected is outside this window
  const cpu = { napflow: cpuPerOperation(cpuB1, cpuN1, n), baseline: cpuPerOperation(cpuB0, cpuB1, n) };

  const napflowRate = round(n / (napflowMs / 1000), 1);
  const baselineRate = round(n / (baselineMs / 1000), 1);
  return {
    scenario: 'bulk-start',
    title: `import ${n} measures through the API until every workflow runs and every read-model row exists`,
    parameters: { n, rowsPerFile: ROWS_PER_FILE, baselineConcurrency: BASELINE_CONCURRENCY },
    comparisons: [
      compare('start rate', 'cases/s', napflowRate, baselineRate, { ratio: 0.8, higherIsBetter: true }),
      compare('CPU per case', 'ms', cpu.napflow.total ?? 0, cpu.baseline.total ?? 0),
      compare('wall time', 's', round(napflowMs / 1000, 1), round(baselineMs / 1000, 1), {
        higherIsBetter: false,
        ...(n <= 1000 ? { absolute: { max: 60 } } : {}),
      }),
    ],
    figures: { importRequestsMs: importMs, workerRssMbAfter: stack.worker.rssMb(), cpuMsPerCase: cpu },
    notes: [
      'The import endpoint validates the whole file first (all or nothing), then starts its workflows 16 at a time; the baseline starts 32 at a time. importRequestsMs is the HTTP import alone; the rest is the worker running each case to its first projected state.',
      `CPU ms per case, summed over every process of the stack (figures.cpuMsPerCase by part; napflow's assignment notices, one email per agency and file since the import's notices workflow, go out after the last case of a file is heard from; what goes out after the last case is projected is outside the window): ${JSON.stringify(cpu)}`,
    ],
    durationMs: Date.now() - t0,
  };
}
