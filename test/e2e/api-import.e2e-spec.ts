// Import of measures: a dry run reports row by row and starts nothing; a real import with a bad row creates
// nothing; a clean file creates every case; importing it again creates nothing new. CSV and XLSX.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { caseIdForWorkflow } from '@app/persistence';
import { CaseWorkflowClient } from '@app/temporal';
import { IMPORT_NOTICES_FROM_CASES } from '../../apps/api/src/plans/plan-import.service';
import { readMail, receivedMails, waitForMail } from '../support/services';
import { auth, buildWorld, eventually, type Harness, startHarness, type World } from './api-harness';

jest.setTimeout(180_000);

interface Report {
  dryRun: boolean;
  ok: boolean;
  created: number;
  existing: number;
  errors: number;
  warned: number;
  rows: {
    line: number;
    code: string | null;
    outcome: string;
    errors: string[];
    problems: { code: string; params: Record<string, string | number>; message: string }[];
    warnings?: { code: string; message: string; dueOn: string; step?: string }[];
    caseId?: string;
  }[];
}

describe('API import', () => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    w = await buildWorld(h);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const upload = (file: Buffer, name: string, dryRun: boolean) =>
    h
      .http()
      .post(`/plans/${w.plan}/import?dryRun=${dryRun}`)
      .set(auth(w.tokens.coordinator))
      .attach('file', file, name);

  const count = async () => {
    const r = await h.http().get(`/cases?plan=${w.plan}`).set(auth(w.tokens.coordinator));
    return (r.body as { total: number }).total;
  };

  const goodRows = () => [
    `I-01,National control list,${w.agencies.lead},2031-04-02,OP3(d),all`,
    `I-02,Radiation portal monitors handover,${w.agencies.support},2031-01-01,OP3(c),nuclear`,
  ];

  it('reports each row in a dry run, creates nothing, and refuses a real import with bad rows', async () => {
    const csv = Buffer.from(
      [
        'code,title,leadAgency,dueOn,areaParagraph,areaWeaponType,supportingAgencies',
        `${goodRows()[0]},${w.agencies.support}`,
        `I-03,Unknown lead,KG-NOBODY,2031-01-01,,,`,
        `I-04,Impossible date,${w.agencies.lead},2015-02-30,,,`,
        `,No code,${w.agencies.lead},2031-01-01,,,`,
        `I-01,Repeated code,${w.agencies.lead},2031-01-01,,,`,
      ].join('\n'),
    );
    const dry = await upload(csv, 'measures.csv', true);
    expect(dry.status).toBe(200);
    const report = dry.body as Report;
    expect(report).toMatchObject({ dryRun: true, ok: false, created: 0, errors: 4 });
    expect(report.rows.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'create'],
      [3, 'error'],
      [4, 'error'],
      [5, 'error'],
      [6, 'error'],
    ]);
    expect(report.rows[1].errors.join()).toMatch(/unknown agency KG-NOBODY/);
    expect(report.rows[2].errors.join()).toMatch(/2015-02-30/);
    expect(report.rows[3].errors.join()).toMatch(/code is empty/);
    expect(report.rows[4].errors.join()).toMatch(/repeats line 2/);
    // the same problems as codes and facts, for a client to word in its reader's language
    expect(report.rows.map((r) => r.problems.map((p) => [p.code, p.params]))).toEqual([
      [],
      [['agency_unknown', { field: 'leadAgency', value: 'KG-NOBODY' }]],
      [['date_invalid', { value: '2015-02-30', years: expect.stringMatching(/^\d{4}-\d{4}$/) }]],
      [['empty', { column: 'code' }]],
      [['code_repeats', { code: 'I-01', line: 2 }]],
    ]);
    expect(report.rows.map((r) => r.problems.map((p) => p.message))).toEqual(
      report.rows.map((r) => r.errors),
    );
    expect(await count()).toBe(0);

    const real = await upload(csv, 'measures.csv', false);
    expect(real.status).toBe(422);
    expect(real.body).toMatchObject({ code: 'import_rejected', report: { ok: false, created: 0 } });
    expect(await count()).toBe(0);
  });

  it('names a missing column on every row', async () => {
    const res = await upload(Buffer.from('code,title,dueOn\nI-09,x,2031-01-01\n'), 'm.csv', true);
    expect(res.status).toBe(200);
    expect((res.body as Report).rows[0].errors).toContain('missing column leadAgency');
  });

  it('imports a clean CSV all at once, and a second import creates nothing new', async () => {
    const csv = Buffer.from(
      [
        'code;title;leadAgency;dueOn;areaParagraph;areaWeaponType',
        ...goodRows().map((r) => r.replace(/,/g, ';')),
      ].join('\n'),
    );
    const dry = await upload(csv, 'measures.csv', true);
    expect(dry.body).toMatchObject({ ok: true, created: 0, errors: 0 });
    expect(await count()).toBe(0);

    const real = await upload(csv, 'measures.csv', false);
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ dryRun: false, ok: true, created: 2, existing: 0, errors: 0 });
    expect((real.body as Report).rows.every((r) => typeof r.caseId === 'string')).toBe(true);
    expect(await count()).toBe(2);

    const again = await upload(csv, 'measures.csv', false);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, existing: 2, errors: 0 });
    expect(await count()).toBe(2);
  });

  it(`emails each agency once about an import of ${IMPORT_NOTICES_FROM_CASES} or more measures, and once per step below that`, async () => {
    const notification = (m: { headers: Record<string, string> }) =>
      m.headers['x-napflow-notification'] ?? '';
    // two measures: each step's own email, with its "Mark as done" link
    const small = Buffer.from(
      [
        'code,title,leadAgency,dueOn',
        `S-01,Licensing rules for dual-use goods,${w.agencies.lead},2031-05-29`,
      ].join('\n'),
    );
    expect((await upload(small, 'small.csv', false)).body).toMatchObject({ created: 1, notices: 'per_step' });
    const own = await waitForMail(
      (m) => notification(m).startsWith(`case:${w.plan}:S-01:execute:step_assigned:`),
      30_000,
    );
    expect(own.to).toEqual([w.people.lead.email]);
    expect(own.text).toMatch(/\/email-links\/[A-Za-z0-9_-]{20,}\?choice=complete/);

    // six measures: the lead agency leads four (one with the Border Service supporting), the Border Service two
    const rows = [
      `N-01,Control list update,${w.agencies.lead},2031-09-30,`,
      `N-02,Customs risk profiles,${w.agencies.lead},2031-03-31,`,
      `N-03,Licensing officers trained,${w.agencies.lead},2031-06-30,`,
      `N-04,Radiation portal monitors handed over,${w.agencies.lead},2031-12-31,${w.agencies.support}`,
      `N-05,Border posts equipped,${w.agencies.support},2031-04-30,`,
      `N-06,Border guards trained,${w.agencies.support},2031-07-31,`,
    ];
    const big = Buffer.from(['code,title,leadAgency,dueOn,supportingAgencies', ...rows].join('\n'));
    expect((await upload(big, 'many.csv', true)).body).toMatchObject({ ok: true, notices: 'per_agency' });
    const imported = await upload(big, 'many.csv', false);
    expect(imported.body).toMatchObject({ ok: true, created: 6, notices: 'per_agency' });
    // again: nothing to create, nobody to tell
    expect((await upload(big, 'many.csv', false)).body).toMatchObject({ created: 0, notices: 'none' });
    const fromImport = (m: { headers: Record<string, string> }) =>
      notification(m).startsWith(`import-notices:${w.plan}:`);
    const toLead = await waitForMail((m) => fromImport(m) && m.to.includes(w.people.lead.email), 60_000);
    const toSupport = await waitForMail(
      (m) => fromImport(m) && m.to.includes(w.people.support.email),
      60_000,
    );
    expect(toLead.subject).toBe(`4 new steps for your agency in ${w.plan}`);
    expect(toSupport.subject).toBe(`3 new steps for your agency in ${w.plan}`);
    // the HTML part's list items (the text part wraps long lines)
    const listed = (html: string | false | undefined) =>
      [...(html || '').matchAll(/<li>(.*?)<\/li>/g)].map((m) =>
        /\((N-\d\d)\): ([^,]+)/
          .exec(m[1].replace(/<[^>]+>/g, ''))
          ?.slice(1, 3)
          .join(' '),
      );
    // by due date
    expect(listed(toLead.html)).toEqual([
      'N-02 Implementation by the lead agency',
      'N-03 Implementation by the lead agency',
      'N-01 Implementation by the lead agency',
      'N-04 Implementation by the lead agency',
    ]);
    expect(listed(toSupport.html)).toEqual([
      'N-05 Implementation by the lead agency',
      'N-06 Implementation by the lead agency',
      'N-04 Contributions of the supporting agencies',
    ]);
    expect(toLead.text).toContain(`${h.config.http.publicUrl}/app/inbox`);
    // each step links to its case
    const n02 = `${h.config.http.publicUrl}/app/cases/${caseIdForWorkflow(`case:${w.plan}:N-02`)}`;
    expect(toLead.html).toContain(`<li><a href="${n02}"`);
    expect(toLead.text).toContain(`\n  ${n02}\n`);

    // no email per step for these cases, and each list was received once (by Message-ID)
    const workflowIds = rows.map((r) => `case:${w.plan}:${r.split(',')[0]}`);
    const perStep = await h.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM email_outbox WHERE workflow_id = ANY($1)`, [workflowIds]);
    expect(perStep).toEqual([{ n: 0 }]);
    const lists = [];
    for (const entry of receivedMails()) if (fromImport(await readMail(entry))) lists.push(entry.messageId);
    expect(lists).toHaveLength(2);
    expect(new Set(lists).size).toBe(2);
    // the steps are in each agency's inbox as usual
    await eventually(async () => {
      const inbox = await h.http().get('/inbox').set(auth(w.tokens.support));
      const codes = ((inbox.body as { items?: { caseCode: string }[] }).items ?? []).map((i) => i.caseCode);
      return ['N-04', 'N-05', 'N-06'].every((c) => codes.includes(c)) ? true : undefined;
    }, "the Border Service's new steps in its inbox");
  });

  it('imports a CSV as Excel saves it in Russian: Windows-1251, ";", Russian headers, DD.MM.YYYY dates', async () => {
    const csv = iconv.encode(
      [
        'Код;Наименование;Ответственное ведомство;Срок исполнения',
        `R-01;Национальный контрольный список;${w.agencies.lead};02.04.2031`,
        `R-02;Закон о биобезопасности;${w.agencies.lead};30.02.2031`,
      ].join('\r\n'),
      'win1251',
    );
    const dry = await upload(csv, 'меры.csv', true);
    expect(dry.status).toBe(200);
    const report = dry.body as Report;
    expect(report.rows.map((r) => [r.code, r.outcome])).toEqual([
      ['R-01', 'create'],
      ['R-02', 'error'],
    ]);
    expect(report.rows[1].errors).toEqual([
      'dueOn "30.02.2031" must be a real date as YYYY-MM-DD in 1970-2079 (or DD.MM.YYYY)',
    ]);
    const real = await upload(csv.subarray(0, csv.lastIndexOf(Buffer.from('\r\n'))), 'меры.csv', false);
    expect(real.body).toMatchObject({ ok: true, created: 1 });
    const id = (real.body as Report).rows[0].caseId as string;
    const created = (await h.http().get(`/cases/${id}`).set(auth(w.tokens.coordinator))).body as {
      title: string;
      dueOn: string;
    };
    expect({ title: created.title, dueOn: created.dueOn }).toEqual({
      title: 'Национальный контрольный список',
      dueOn: '2031-04-02',
    });
  });

  it('reads XLSX workbooks (dates as Excel dates)', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Measures');
    sheet.addRow(['Code', 'Title', 'Lead agency', 'Due date', 'Kind']);
    sheet.addRow([
      'X-01',
      'Draft law on identification of goods',
      w.agencies.lead,
      new Date(Date.UTC(2031, 5, 30)),
      'measure',
    ]);
    sheet.addRow(['X-02', 'Biosecurity act', w.agencies.lead, 'not a date', 'measure']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const dry = await upload(file, 'measures.xlsx', true);
    expect(dry.status).toBe(200);
    const report = dry.body as Report;
    expect(report.rows.map((r) => [r.code, r.outcome])).toEqual([
      ['X-01', 'create'],
      ['X-02', 'error'],
    ]);
  });

  it('refuses unreadable and missing files with 400', async () => {
    expect((await upload(Buffer.from([0, 1, 2, 3, 0, 0]), 'x.csv', true)).status).toBe(400);
    expect((await upload(Buffer.from('PK\u0003\u0004garbage'), 'x.xlsx', true)).status).toBe(400);
    const none = await h.http().post(`/plans/${w.plan}/import`).set(auth(w.tokens.coordinator)).send({});
    expect(none.status).toBe(400);
    expect(
      (
        await h
          .http()
          .post(`/plans/${w.plan}/import?dryRun=perhaps`)
          .set(auth(w.tokens.coordinator))
          .attach('file', Buffer.from('a'), 'a.csv')
      ).status,
    ).toBe(400);
  });

  it('imports once per Idempotency-Key: the repeat answers the first report, another file is refused', async () => {
    const send = (file: Buffer) =>
      h
        .http()
        .post(`/plans/${w.plan}/import?dryRun=false`)
        .set(auth(w.tokens.coordinator))
        .set('Idempotency-Key', `import-${h.tag}`)
        .attach('file', file, 'measures.csv');
    const csv = (code: string) =>
      Buffer.from(`code,title,leadAgency,dueOn\n${code},Keyed import,${w.agencies.lead},2031-06-30\n`);
    const before = await count();
    const first = await send(csv('I-KEY-1'));
    expect(first.status).toBe(200);
    expect((first.body as Report).created).toBe(1);
    const again = await send(csv('I-KEY-1'));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await send(csv('I-KEY-2'));
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await count()).toBe(before + 1);
  });

  it('warns, row by row, about measures that would start past their deadline, and imports them as previewed', async () => {
    const before = await count();
    const csv = Buffer.from(
      [
        'code,title,leadAgency,dueOn,supportingAgencies',
        // from the peer-review note: the portal monitors go to the Border Service from 1 January 2015
        `W-01,Radiation portal monitors handed over to the Border Service,${w.agencies.lead},01.01.2015,${w.agencies.support}`,
        `W-02,Training of Border Service officers on portal monitors,${w.agencies.support},2031-06-30,`,
      ].join('\n'),
    );
    const dry = await upload(csv, 'late.csv', true);
    expect(dry.status).toBe(200);
    const report = dry.body as Report;
    expect(report).toMatchObject({ dryRun: true, ok: true, created: 0, errors: 0, warned: 1 });
    expect(report.rows[1]).toEqual({ line: 3, code: 'W-02', outcome: 'create', errors: [], problems: [] });
    const warnings = (report.rows[0].warnings ?? []).map((x) => x.message);
    expect(report.rows[0].warnings?.map((x) => [x.code, x.step, x.dueOn])).toEqual([
      ['deadline_passed', undefined, '2015-01-01'],
      ['step_overdue', 'execute', '2015-01-01'],
      ['step_overdue', 'contribute', '2014-12-18'],
    ]);
    expect(warnings.map((x) => x.replace(/ at \d{4}-\d\d-\d\d 09:00 Asia\/Bishkek$/, ' at 09:00'))).toEqual([
      'the deadline 2015-01-01 has already passed',
      `step "execute" starts overdue (due 2015-01-01); ${w.agencies.lead} will get an overdue notice at 09:00`,
      // ten business days before Thursday 1 January 2015
      `step "contribute" starts overdue (due 2014-12-18); ${w.agencies.support} will get an overdue notice at 09:00`,
    ]);
    expect(await count()).toBe(before);

    const real = await upload(csv, 'late.csv', false);
    expect(real.status).toBe(200);
    const imported = real.body as Report;
    expect(imported).toMatchObject({ ok: true, created: 2, warned: 1 });
    expect(await count()).toBe(before + 2);
    expect(imported.rows[0].warnings?.slice(0, 2).map((x) => x.message)).toEqual(warnings.slice(0, 2));
    expect(imported.rows[1].warnings).toBeUndefined();
    const state = await h.app.get(CaseWorkflowClient).getState(`case:${w.plan}:W-01`);
    expect(
      state.steps
        .filter((st) => st.status === 'active')
        .map((st) => [st.key, st.dueOn, st.nextNotices[0].kind, st.nextNotices[0].at]),
    ).toEqual([
      ['execute', '2015-01-01', 'overdue', expect.any(String)],
      ['contribute', '2014-12-18', 'overdue', expect.any(String)],
    ]);
    // the notice time the report named is the one the workflow scheduled
    const at = DateTime.fromISO(state.steps[0].nextNotices[0].at, { zone: 'Asia/Bishkek' });
    expect(imported.rows[0].warnings?.[1].message).toContain(
      `at ${at.toFormat('yyyy-MM-dd HH:mm')} Asia/Bishkek`,
    );
    expect(at.toMillis()).toBeGreaterThan(Date.now());
    expect(at.diffNow('days').days).toBeLessThan(5);
  });
});
