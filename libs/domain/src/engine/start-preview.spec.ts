import { CommandRefused } from './engine.types';
import { ctx, startInput, t } from './case-engine.fixtures';
import { previewStart } from './start-preview';

const iso = (ms: number) => new Date(ms).toISOString();

describe('previewStart', () => {
  it('finds nothing past due for a measure due months ahead', () => {
    expect(previewStart(startInput('measure', { dueOn: '2027-06-30' }), ctx(t('2027-02-01')))).toMatchObject({
      caseDueOnPassed: null,
      overdueSteps: [],
    });
  });

  it('names every step agencies will act on, now or later, and the agencies each needs', () => {
    const p = previewStart(startInput('measure', { dueOn: '2027-06-30' }), ctx(t('2027-02-01')));
    expect(p.assignedSteps).toEqual([
      {
        key: 'execute',
        titles: { en: 'Implementation by the lead agency', ru: 'Исполнение меры ведущим ведомством' },
        agencies: ['KG-MOE'],
      },
      {
        key: 'contribute',
        titles: { en: 'Contributions of the supporting agencies', ru: 'Вклад содействующих ведомств' },
        agencies: ['KG-CUSTOMS', 'KG-BORDER'],
      },
      {
        key: 'head_approval',
        titles: expect.objectContaining({ en: expect.any(String) }),
        agencies: ['KG-MOE'],
      },
    ]);
  });

  it('leaves out a step skipped for want of agencies and the steps the national coordinator acts on', () => {
    const measure = previewStart(
      startInput('measure', { dueOn: '2027-06-30', supportingAgencies: [] }),
      ctx(t('2027-02-01')),
    );
    expect(measure.assignedSteps.map((s) => s.key)).toEqual(['execute', 'head_approval']);
    const request = previewStart(
      startInput('assistance_request', { dueOn: '2027-06-30' }),
      ctx(t('2027-02-01')),
    );
    // the coordinator's approval and milestones are left out: the coordinator is always there to act
    expect(request.assignedSteps.map((s) => [s.key, s.agencies])).toEqual([
      ['drafting', ['KG-MOE']],
      ['completion_report', ['KG-MOE']],
    ]);
  });

  it('reports a measure started long after its deadline, with the catch-up overdue notice of the next morning', () => {
    // due Monday 2027-03-01 (18:00 Bishkek); started Wednesday 2027-05-12 at 10:00
    const p = previewStart(startInput('measure', { dueOn: '2027-03-01' }), ctx(t('2027-05-12')));
    expect(p.caseDueOnPassed).toBe('2027-03-01');
    // execute is due on the deadline; contribute 10 business days before it (2027-02-23 is a holiday in the fixture)
    expect(p.overdueSteps).toEqual([
      {
        key: 'execute',
        titles: { en: 'Implementation by the lead agency', ru: 'Исполнение меры ведущим ведомством' },
        dueOn: '2027-03-01',
        assignees: ['KG-MOE'],
        firstNotice: { kind: 'overdue', at: iso(t('2027-05-13', 9)), level: 0 },
      },
      {
        key: 'contribute',
        titles: { en: 'Contributions of the supporting agencies', ru: 'Вклад содействующих ведомств' },
        dueOn: '2027-02-12',
        assignees: ['KG-CUSTOMS', 'KG-BORDER'],
        firstNotice: { kind: 'overdue', at: iso(t('2027-05-13', 9)), level: 0 },
      },
    ]);
  });

  it('reports a supporting step already due although the case deadline is still ahead', () => {
    // due Friday 2027-06-11; contribute is due 10 business days earlier, Friday 2027-05-28 at 18:00; started on
    // Tuesday 2027-06-01, after the overdue notice of Monday 09:00 would have gone out: the catch-up comes Wednesday
    const p = previewStart(startInput('measure', { dueOn: '2027-06-11' }), ctx(t('2027-06-01', 10)));
    expect(p.caseDueOnPassed).toBeNull();
    expect(p.overdueSteps.map((s) => [s.key, s.dueOn, s.firstNotice])).toEqual([
      ['contribute', '2027-05-28', { kind: 'overdue', at: iso(t('2027-06-02', 9)), level: 0 }],
    ]);
  });

  it("counts a step due today at its due instant and the case's deadline at midnight after it, not a minute before", () => {
    const input = startInput('measure', { dueOn: '2027-06-30', supportingAgencies: [] });
    expect(previewStart(input, ctx(t('2027-06-30', 17, 59)))).toMatchObject({
      caseDueOnPassed: null,
      overdueSteps: [],
    });
    // the step is due at 18:00 of its last business day; the case's own deadline runs to the end of the day
    const evening = previewStart(input, ctx(t('2027-06-30', 18, 0)));
    expect(evening.caseDueOnPassed).toBeNull();
    expect(evening.overdueSteps.map((s) => s.key)).toEqual(['execute']);
    expect(previewStart(input, ctx(t('2027-06-30', 23, 59))).caseDueOnPassed).toBeNull();
    expect(previewStart(input, ctx(t('2027-07-01', 0, 0))).caseDueOnPassed).toBe('2027-06-30');
  });

  it('throws what the start would refuse, so the API can refuse it before anything is written', () => {
    const input = startInput('draft_law', { participants: {} });
    expect(() => previewStart(input, ctx(t('2027-02-01')))).toThrow(CommandRefused);
  });
});
