// Scenario 4, dashboard queries over 100,000 cases: the case list, the plan overview and the inbox through the
// API at 10 concurrent users, beside exactly the SQL the API sent for that request (captured from the API process)
// replayed through bare pg; EXPLAIN (ANALYZE, BUFFERS) of each statement shows how PostgreSQL serves it, and the
// result says whether every read of cases and case_steps went through an index.
import fs from 'node:fs';
import { compare, endProgress, progress, type Comparison, type ScenarioResult } from '../support/report';
import { COORDINATOR_AGENCY, LEAD_AGENCIES, STATE, type Seeded } from '../support/seed';
import type { ApiClient, BenchStack } from '../support/stack';
import { cpuPerOperationOver, type CpuSnapshot } from '../support/cpu';
import { pooled, summarize } from '../support/stats';

export const DASH_PLAN = 'DASH';
const USERS = 10;
/** Each query's requests run in this many alternating blocks: API, bare pg, API, bare pg, ... */
const BLOCKS = 6;

/** Bulk-inserts `n` read-model cases (70 % active with one open step, 20 % completed, 10 % withdrawn). */
export async function insertDashboardCases(stack: BenchStack, n: number): Promise<void> {
  const leads = `ARRAY[${LEAD_AGENCIES.map((a) => `'${a}'`).join(',')}]`;
  await stack.pg.query(
    `INSERT INTO cases (id, plan_code, state_code, kind, code, workflow_id, title, lead_agency, supporting_agencies,
                        area_paragraph, area_weapon, status, due_on, due_at, time_zone, progress, definition_key,
                        definition_version, seq, started_at, closed_at)
     SELECT gen_random_uuid(), $1, $2, 'measure', 'D' || lpad(g::text, 7, '0'), 'case:' || $1 || ':D' || lpad(g::text, 7, '0'),
            'Dashboard measure ' || g, (${leads})[1 + g % ${LEAD_AGENCIES.length}],
            CASE WHEN g % 3 = 0 THEN ARRAY['${COORDINATOR_AGENCY}'] ELSE '{}'::text[] END,
            'OP' || (1 + g % 3), (ARRAY['nuclear','chemical','biological','all'])[1 + g % 4],
            CASE WHEN g % 10 < 7 THEN 'active' WHEN g % 10 < 9 THEN 'completed' ELSE 'withdrawn' END,
            date '2025-06-01' + (g % 1500), (date '2025-06-01' + (g % 1500) + 1)::timestamp AT TIME ZONE 'Asia/Bishkek',
            'Asia/Bishkek', (g % 100) / 100.0, 'measure', 1, 3, now() - interval '300 days',
            CASE WHEN g % 10 >= 7 THEN now() ELSE NULL END
     FROM generate_series(1, $3::int) g`,
    [DASH_PLAN, STATE, n],
  );
  await stack.pg.query(
    `INSERT INTO case_steps (case_id, key, title, kind, status, assignees, due_on, due_at, started_at, occurrence, position)
     SELECT id, 'execute', 'Implementation by the lead agency', 'task', 'active', ARRAY[lead_agency], due_on, due_at, started_at, 1, 0
     FROM cases WHERE plan_code = $1 AND status = 'active'`,
    [DASH_PLAN],
  );
  // VACUUM as well as ANALYZE: a read model at rest has been through autovacuum, and index-only scans need the
  // visibility map it sets (right after a bulk insert every index-only scan would still visit the heap).
  await stack.pg.query('VACUUM (ANALYZE) cases');
  await stack.pg.query('VACUUM (ANALYZE) case_steps');
}

interface Captured {
  text: string;
  params: unknown[];
}

async function capture(stack: BenchStack, client: ApiClient, url: string): Promise<Captured[]> {
  const out = `${stack.sqlCaptureFlag}.sql`;
  fs.rmSync(out, { force: true });
  fs.writeFileSync(stack.sqlCaptureFlag, '');
  try {
    await client.request('GET', url);
  } finally {
    fs.rmSync(stack.sqlCaptureFlag, { force: true });
  }
  const lines = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').trim().split('\n').filter(Boolean) : [];
  return lines.map((l) => JSON.parse(l) as Captured);
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

interface Explained {
  Plan: PlanNode & { 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number };
  'Execution Time'?: number;
}

function walk(node: PlanNode, out: string[]): void {
  const rel = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const idx = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  if (/Scan/.test(node['Node Type'])) out.push(`${node['Node Type']}${rel}${idx}`);
  for (const child of node.Plans ?? []) walk(child, out);
}

/** Every read of cases/case_steps in `scans` goes through an index (no sequential scan of either table). */
function servedByIndexes(scans: string[]): boolean {
  const reads = scans.filter((s) => / on (cases|case_steps)\b| using /.test(s));
  return reads.length > 0 && !reads.some((s) => /^Seq Scan on (cases|case_steps)\b/.test(s));
}

export async function dashboardQueries(
  stack: BenchStack,
  seeded: Seeded,
  n: number,
  requests: number,
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const tag = 'dashboard';
  progress(tag, `inserting ${n} read-model cases with SQL ...`);
  await insertDashboardCases(stack, n);
  progress(tag, `${n} cases inserted`);

  const queries: Array<{ name: string; client: ApiClient; url: string }> = [
    {
      name: 'case list',
      client: seeded.coordinator,
      url: `/cases?plan=${DASH_PLAN}&agency=${LEAD_AGENCIES[0]}&status=active&overdue=true&pageSize=50`,
    },
    { name: 'plan overview', client: seeded.coordinator, url: `/plans/${DASH_PLAN}` },
    { name: 'inbox', client: seeded.focal[LEAD_AGENCIES[0]], url: '/inbox?pageSize=50' },
  ];
  const comparisons: Comparison[] = [];
  const figures: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const q of queries) {
    const statements = await capture(stack, q.client, q.url);
    const explains: Record<string, string[]> = {};
    const analyzed: Array<{ statement: string; ms: number; sharedHit: number; sharedRead: number }> = [];
    for (const st of statements) {
      if (!/\b(cases|case_steps)\b/.test(st.text)) continue;
      const statement = st.text.replace(/\s+/g, ' ').slice(0, 90);
      // ANALYZE runs the (read-only) statement once: the JSON keeps what it cost beside the plan
      const { rows } = await stack.pg.query<{ 'QUERY PLAN': Explained[] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${st.text}`,
        st.params,
      );
      const explained = rows[0]['QUERY PLAN'][0];
      const scans: string[] = [];
      walk(explained.Plan, scans);
      explains[statement] = scans;
      analyzed.push({
        statement,
        ms: explained['Execution Time'] ?? Number.NaN,
        sharedHit: explained.Plan['Shared Hit Blocks'] ?? 0,
        sharedRead: explained.Plan['Shared Read Blocks'] ?? 0,
      });
    }
    const allScans = Object.values(explains).flat();
    const indexScans = servedByIndexes(allScans);
    const seqScans = allScans.filter((s) => /^Seq Scan on (cases|case_steps)/.test(s));
    notes.push(
      indexScans
        ? `${q.name}: index scans only: ${[...new Set(allScans)].join('; ')}`
        : `${q.name}: NOT index scans only, sequential scan(s): ${seqScans.join('; ')}`,
    );

    for (let i = 0; i < 20; i++) await q.client.request('GET', q.url); // warm-up
    // API and bare pg in alternating blocks: a neighbour on the VM, a checkpoint or autovacuum slows both sides
    // alike instead of whichever happened to run then (back-to-back halves moved these ratios by 0.5 run to run)
    const api: number[] = [];
    const bare: number[] = [];
    const apiCpu: Array<[CpuSnapshot, CpuSnapshot]> = [];
    const bareCpu: Array<[CpuSnapshot, CpuSnapshot]> = [];
    for (let block = 0; block < BLOCKS; block++) {
      const size = Math.floor(requests / BLOCKS) + (block < requests % BLOCKS ? 1 : 0);
      const c0 = stack.cpu();
      await pooled(size, USERS, async () => {
        const s = performance.now();
        await q.client.request('GET', q.url);
        api.push(performance.now() - s);
      });
      const c1 = stack.cpu();
      await pooled(size, USERS, async () => {
        const s = performance.now();
        for (const st of statements) await stack.pg.query(st.text, st.params);
        bare.push(performance.now() - s);
      });
      const c2 = stack.cpu();
      apiCpu.push([c0, c1]);
      bareCpu.push([c1, c2]);
      progress(tag, `${q.name}: ${api.length}/${requests} API requests and as many bare`);
    }
    // what one request cost in CPU in every part of the stack: the API's own share beside the SQL's
    const cpu = {
      napflow: cpuPerOperationOver(apiCpu, api.length),
      baseline: cpuPerOperationOver(bareCpu, bare.length),
    };
    notes.push(`${q.name}: CPU ms per request: ${JSON.stringify(cpu)}`);
    const a = summarize(api);
    const b = summarize(bare);
    figures[q.name] = {
      url: q.url,
      statements: statements.length,
      api: a,
      bare: b,
      indexScans,
      cpuMsPerRequest: cpu,
      explain: explains,
      analyzed,
    };
    comparisons.push(compare(`${q.name} p50`, 'ms', a.p50, b.p50));
    comparisons.push(
      compare(
        `${q.name} CPU/request`,
        'ms',
        cpu.napflow.total ?? Number.NaN,
        cpu.baseline.total ?? Number.NaN,
      ),
    );
    comparisons.push(
      compare(`${q.name} p95`, 'ms', a.p95, b.p95, {
        ratio: 1.5,
        higherIsBetter: false,
        absolute: { max: 100 },
      }),
    );
  }
  endProgress();
  return {
    scenario: 'dashboard',
    title: `dashboard queries over ${n} cases, ${USERS} concurrent users, API vs the same SQL through bare pg`,
    parameters: { cases: n, users: USERS, requestsPerQuery: requests },
    comparisons,
    figures,
    notes: [
      'The baseline replays, in order, every statement the API sent for that request (authentication included), captured from the API process.',
      ...notes,
    ],
    durationMs: Date.now() - t0,
  };
}
