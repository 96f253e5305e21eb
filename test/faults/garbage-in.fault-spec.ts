// Drill: garbage in. Malformed JSON, huge bodies, wrong types, unknown enum values, impossible dates, broken CSV,
// an XLSX that is not a spreadsheet, SQL and HTML in fields: a clear 4xx (problem details) each, never a 500,
// nothing written. Then a property-based fuzz of the request bodies of the main write routes.
import fc from 'fast-check';
import {
  createMeasure,
  eventually,
  expectMailExactlyOnce,
  type FaultStack,
  type Http,
  LEADS,
  type Seeded,
  seedDrill,
  startFaultStack,
  writtenRows,
} from './support/fault-stack';

const DIRECT_TABLES = ['cases', 'people', 'agencies', 'states', 'action_plans'];

describe('garbage in', () => {
  let stack: FaultStack;
  let s: Seeded;
  let caseId: string;

  beforeAll(async () => {
    stack = await startFaultStack({ worker: 'in-process' });
    s = await seedDrill(stack.baseUrl);
    caseId = await createMeasure(s, 'GARBAGE-TARGET', LEADS[0], stack);
    // The new case's assignment email is written by the worker after the case is projected: let it settle, so
    // that "nothing written" below compares against a quiet database.
    await eventually(
      'the assignment email to be queued',
      async () => (await writtenRows(stack)).email_outbox > 0,
    );
    await expectMailExactlyOnce(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Sends, expects a 4xx problem, and that no table changed. */
  async function refused(
    client: Http,
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<number> {
    const before = await writtenRows(stack);
    const r = await client.send(method, path, body, headers);
    expect({ status: r.status, text: r.text.slice(0, 300) }).toEqual({
      status: expect.any(Number),
      text: expect.any(String),
    });
    if (r.status < 400 || r.status >= 500)
      throw new Error(`${method} ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    expect(r.body).toEqual(
      expect.objectContaining({ status: r.status, title: expect.any(String), detail: expect.any(String) }),
    );
    expect(await writtenRows(stack)).toEqual(before);
    return r.status;
  }

  const casesPath = () => `/plans/${s.plan}/cases`;
  const valid = { kind: 'measure', code: 'G-1', title: 'Valid', leadAgency: LEADS[0], dueOn: '2031-06-30' };

  it('refuses malformed JSON with 400', async () => {
    expect(await refused(s.coordinator, 'POST', casesPath(), '{"kind": "measure", "code": ')).toBe(400);
    expect(await refused(s.coordinator, 'POST', casesPath(), '[1, 2,,]')).toBe(400);
  });

  it('refuses a huge body with 413', async () => {
    const huge = JSON.stringify({ ...valid, title: 'x'.repeat(2 * 1024 * 1024) });
    expect(await refused(s.coordinator, 'POST', casesPath(), huge)).toBe(413);
  });

  it('refuses wrong types with 400 naming the fields', async () => {
    await refused(s.coordinator, 'POST', casesPath(), {
      kind: 1,
      code: [],
      title: {},
      leadAgency: null,
      dueOn: 20310630,
    });
    const r = await s.coordinator.send('POST', casesPath(), { ...valid, supportingAgencies: 'KG-BS' });
    expect(r.status).toBe(400);
  });

  it('refuses unknown enum values', async () => {
    await refused(s.focal[LEADS[0]], 'POST', `/cases/${caseId}/steps/execute/complete`, { note: 5 });
    await refused(s.focal[LEADS[0]], 'POST', `/cases/${caseId}/steps/head_approval/decision`, {
      decision: 'maybe',
    });
    await refused(s.admin, 'POST', '/people', {
      email: 'x@drill.napflow.example.org',
      name: 'X',
      agencyCode: LEADS[0],
      role: 'emperor',
      language: 'en',
      password: 'long-enough-password',
    });
    await refused(s.admin, 'POST', '/people', {
      email: 'y@drill.napflow.example.org',
      name: 'Y',
      agencyCode: LEADS[0],
      role: 'observer',
      language: 'de',
      password: 'long-enough-password',
    });
    await refused(s.coordinator, 'POST', casesPath(), { ...valid, area: { weaponType: 'laser' } });
  });

  it('refuses impossible dates such as 2015-02-30', async () => {
    for (const dueOn of ['2015-02-30', '2031-13-01', '31.12.2031', '2031-6-1', '']) {
      expect(await refused(s.coordinator, 'POST', casesPath(), { ...valid, dueOn })).toBe(400);
    }
    await refused(s.admin, 'POST', '/plans', {
      code: 'BAD-DATE',
      title: 'x',
      stateCode: 'KG',
      adoptedOn: '2015-02-30',
    });
  });

  it('refuses a CSV with broken quoting and an XLSX that is not a spreadsheet', async () => {
    const csv = new FormData();
    csv.append(
      'file',
      new Blob(
        [
          'code,title,leadAgency,dueOn\nB-1,"unterminated title,KG-SCS,2031-01-01\nB-2,ok,KG-SCS,2031-01-01\n',
        ],
        { type: 'text/csv' },
      ),
      'measures.csv',
    );
    await refused(s.coordinator, 'POST', `/plans/${s.plan}/import`, csv);

    const xlsx = new FormData();
    xlsx.append(
      'file',
      new Blob([Buffer.from('PK\u0003\u0004 this is not a zip, not a workbook')], {
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      }),
      'measures.xlsx',
    );
    await refused(s.coordinator, 'POST', `/plans/${s.plan}/import`, xlsx);

    const empty = new FormData();
    await refused(s.coordinator, 'POST', `/plans/${s.plan}/import`, empty);
  });

  it('refuses SQL in codes and keeps SQL and HTML in text literally, never a 500', async () => {
    await refused(s.coordinator, 'POST', casesPath(), { ...valid, code: "G-1'; DROP TABLE cases; --" });
    await refused(s.coordinator, 'POST', casesPath(), { ...valid, leadAgency: "KG-SCS' OR '1'='1" });
    const title = `'); DROP TABLE cases; -- <script>alert("x")</script> <img src=x onerror=alert(1)>`;
    const r = await s.coordinator.send('POST', casesPath(), { ...valid, code: 'G-SQL', title });
    expect(r.status).toBe(201);
    const rows = await stack.query<{ title: string }>(
      `SELECT title FROM cases WHERE plan_code = $1 AND code = 'G-SQL'`,
      [s.plan],
    );
    expect(rows).toEqual([{ title }]);
    const list = await s.coordinator.send(
      'GET',
      `/cases?plan=${s.plan}&text=${encodeURIComponent("' OR 1=1 --")}`,
    );
    expect(list.status).toBe(200);
  });

  it('never answers 500 to fuzzed bodies, and writes nothing unless it answers 2xx', async () => {
    const anyValue = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('2015-02-30', '2031-06-30', 'measure', LEADS[0], '<b>x</b>', "'; --", '\u0000', '💥'),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
    );
    const caseBody = fc.record(
      {
        kind: anyValue,
        code: anyValue,
        title: anyValue,
        leadAgency: anyValue,
        dueOn: anyValue,
        supportingAgencies: anyValue,
        area: anyValue,
        definitionVersion: anyValue,
        participants: anyValue,
      },
      { requiredKeys: [] },
    );
    const decisionBody = fc.record({ decision: anyValue, comment: anyValue }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(caseBody, async (body) => {
        // the rows a create writes itself (a workflow it did not start writes nothing else)
        const before = await writtenRows(stack, DIRECT_TABLES);
        const r = await s.coordinator.send('POST', casesPath(), body);
        if (r.status >= 500) throw new Error(`500 for ${JSON.stringify(body)}: ${r.text}`);
        if (r.status >= 300) expect(await writtenRows(stack, DIRECT_TABLES)).toEqual(before);
      }),
      { numRuns: 120 },
    );
    await fc.assert(
      fc.asyncProperty(decisionBody, async (body) => {
        const r = await s.coordinator.send('POST', `/cases/${caseId}/steps/head_approval/decision`, body);
        if (r.status >= 500) throw new Error(`500 for ${JSON.stringify(body)}: ${r.text}`);
        expect(r.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 80 },
    );
  });
});
