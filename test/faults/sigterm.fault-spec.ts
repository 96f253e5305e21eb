// Drill: SIGTERM to the worker and then to the API under load. The worker drains (in-flight work finishes or is
// resumed by its successor), the API stops taking requests cleanly; afterwards every case is where it should be,
// the audit trail has exactly the expected rows and every email went out once.
import {
  bounded,
  eventually,
  expectMailExactlyOnce,
  LEADS,
  spawnApiChild,
  useWorkerChildDrill,
  type WorkerChild,
} from './support/fault-stack';

const CASES = 12;

describe('SIGTERM under load', () => {
  const drill = useWorkerChildDrill({ api: 'child' });

  it('drains the worker on SIGTERM and loses or doubles nothing', async () => {
    const { stack, s } = drill;
    const codes = Array.from({ length: CASES }, (_, i) => `TERM-${i}`);
    const serverErrors: string[] = [];
    // load: creates and task completions in flight while the worker is told to stop
    const load = Promise.all(
      codes.map(async (code, i) => {
        const lead = s.focal[LEADS[i % LEADS.length]];
        const created = await s.coordinator.send('POST', `/plans/${s.plan}/cases`, {
          kind: 'measure',
          code,
          title: code,
          leadAgency: LEADS[i % LEADS.length],
          dueOn: '2031-06-30',
        });
        expect(created.status).toBe(201);
        // the task completes once the workflow has started the step (retried while it is not active yet, and after
        // a 5xx, which is recorded: the drill fails on any 500 at the end, with the API's reason)
        await eventually(
          `${code} to accept its task completion`,
          async () => {
            const r = await lead.send(
              'POST',
              `/cases/${(created.body as { id: string }).id}/steps/execute/complete`,
              { note: 'done' },
            );
            if (r.status >= 500) {
              const log = (stack.apiChild?.output() ?? '').split('\n').filter((l) => / -> 5\d\d /.test(l));
              serverErrors.push(`${code}: ${r.status} ${log.at(-1) ?? r.text}`);
            }
            return r.status === 200 || r.status === 409;
          },
          240_000,
          500,
        );
      }),
    );
    await eventually(
      'some cases to be projected',
      async () =>
        (await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE seq >= 0`))[0].n >= 3,
    );
    const stopping = drill.worker as WorkerChild;
    const t0 = Date.now();
    void stopping.kill('SIGTERM');
    let exited = false;
    await bounded(
      'worker exit after SIGTERM',
      stopping.exited.then(() => (exited = true)),
      60_000,
    );
    const drainMs = Date.now() - t0;
    if (!exited) await stopping.kill('SIGKILL');
    await drill.startWorker();
    await load;
    expect({
      exitedWithinAMinute: exited,
      exitCode: exited ? await stopping.exited : 'killed',
      drainMs: exited ? 'ok' : drainMs,
    }).toEqual({
      exitedWithinAMinute: true,
      exitCode: 0,
      drainMs: 'ok',
    });
    expect(serverErrors).toEqual([]);

    for (const code of codes) {
      await eventually(
        `${code} to reach the head approval`,
        async () => {
          const rows = await stack.query<{ status: string }>(
            `SELECT s.status FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE c.plan_code = $1 AND c.code = $2 AND s.key = 'head_approval'`,
            [s.plan, code],
          );
          return rows[0]?.status === 'active';
        },
        120_000,
      );
    }
    // exactly the expected audit rows: per case, started; contribute skipped (no supporting agency); execute
    // completed once; head approval started
    const audit = await stack.query<{ type: string; step_key: string | null; n: number }>(
      `SELECT a.type, a.step_key, count(*)::int AS n FROM audit_events a JOIN cases c ON c.id = a.case_id
        WHERE c.plan_code = $1 GROUP BY a.type, a.step_key ORDER BY a.type, a.step_key`,
      [s.plan],
    );
    const count = (type: string, step: string | null) =>
      audit.find((r) => r.type === type && r.step_key === step)?.n ?? 0;
    expect(count('case_started', null)).toBe(CASES);
    expect(count('step_completed', 'execute')).toBe(CASES);
    expect(count('step_completed', 'contribute')).toBe(CASES);
    expect(audit.filter((r) => r.type === 'step_completed').reduce((a, r) => a + r.n, 0)).toBe(2 * CASES);
    await expectMailExactlyOnce(stack, 120_000);

    // the API: SIGTERM while requests are in flight; it exits cleanly, and a new one serves the same data
    const inFlight = Promise.all(
      Array.from({ length: 20 }, () =>
        s.coordinator.send('GET', `/cases?plan=${s.plan}`).catch(() => ({ status: 0 })),
      ),
    );
    const apiExit = await stack.apiChild?.kill('SIGTERM');
    const answers = await inFlight;
    // Nest's shutdown hook closes the app, then re-raises the signal: a clean exit ends by SIGTERM (or 0)
    expect([0, 'SIGTERM']).toContain(apiExit);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const port = new URL(stack.baseUrl).port;
    const api2 = spawnApiChild({ ...stack.env, PORT: port });
    try {
      await eventually(
        'the new API to answer',
        async () => (await fetch(`${stack.baseUrl}/health/live`).catch(() => undefined))?.ok === true,
        120_000,
        250,
      );
      const list = await s.coordinator.send('GET', `/cases?plan=${s.plan}&pageSize=50`);
      expect(list.status).toBe(200);
      expect((list.body as { total: number }).total).toBe(CASES);
    } finally {
      await api2.kill('SIGTERM');
    }
  });
});
