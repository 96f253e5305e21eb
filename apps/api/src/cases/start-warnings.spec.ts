import { startWarnings } from './case-start.service';

const titles = (en: string) => ({ en, ru: `${en} (ru)` });
const none = new Set<string>();

describe('startWarnings', () => {
  it('says nothing when nothing is past due', () => {
    expect(
      startWarnings({ caseDueOnPassed: null, overdueSteps: [], assignedSteps: [] }, 'Asia/Bishkek', none),
    ).toEqual([]);
  });

  it("names the passed deadline, each overdue step, who is told and when, as facts and in the state's time", () => {
    const warnings = startWarnings(
      {
        caseDueOnPassed: '2015-01-01',
        overdueSteps: [
          {
            key: 'execute',
            titles: titles('Implementation'),
            dueOn: '2015-01-01',
            assignees: ['KG-SCS'],
            firstNotice: { kind: 'overdue', at: '2026-11-30T03:00:00.000Z', level: 0 },
          },
          {
            key: 'coordinator_approval',
            titles: titles('Approval'),
            dueOn: '2014-12-18',
            assignees: [],
            firstNotice: { kind: 'escalation', at: '2026-12-01T03:00:00.000Z', level: 1 },
          },
          {
            key: 'handover',
            titles: titles('Handover'),
            dueOn: '2014-12-01',
            assignees: ['KG-SCS', 'KG-BS'],
            firstNotice: null,
          },
        ],
        assignedSteps: [],
      },
      'Asia/Bishkek',
      none,
    );
    expect(warnings.map((w) => w.message)).toEqual([
      'the deadline 2015-01-01 has already passed',
      'step "execute" starts overdue (due 2015-01-01); KG-SCS will get an overdue notice at 2026-11-30 09:00 Asia/Bishkek',
      'step "coordinator_approval" starts overdue (due 2014-12-18); the coordinator will get an escalation at 2026-12-01 09:00 Asia/Bishkek',
      'step "handover" starts overdue (due 2014-12-01)',
    ]);
    expect(warnings.map(({ message: _m, ...facts }) => facts)).toEqual([
      { code: 'deadline_passed', dueOn: '2015-01-01' },
      {
        code: 'step_overdue',
        dueOn: '2015-01-01',
        step: 'execute',
        stepTitles: titles('Implementation'),
        assignees: ['KG-SCS'],
        notice: { kind: 'overdue', at: '2026-11-30T03:00:00.000Z' },
      },
      {
        code: 'step_overdue',
        dueOn: '2014-12-18',
        step: 'coordinator_approval',
        stepTitles: titles('Approval'),
        assignees: [],
        notice: { kind: 'escalation', at: '2026-12-01T03:00:00.000Z' },
      },
      {
        code: 'step_overdue',
        dueOn: '2014-12-01',
        step: 'handover',
        stepTitles: titles('Handover'),
        assignees: ['KG-SCS', 'KG-BS'],
        notice: null,
      },
    ]);
  });

  it('writes a notice of any other kind in words too', () => {
    const [w] = startWarnings(
      {
        caseDueOnPassed: null,
        overdueSteps: [
          {
            key: 'execute',
            titles: titles('Implementation'),
            dueOn: '2027-03-29',
            assignees: ['AT-BMI'],
            firstNotice: { kind: 'due_today', at: '2027-03-29T07:00:00.000Z', level: 0 },
          },
        ],
        assignedSteps: [],
      },
      'Europe/Vienna',
      none,
    );
    // 07:00 UTC is 09:00 in Vienna once summer time has begun (2027-03-28)
    expect(w.message).toBe(
      'step "execute" starts overdue (due 2027-03-29); AT-BMI will get a due-today notice at 2027-03-29 09:00 Europe/Vienna',
    );
  });

  it('names each step that waits on an agency with no active focal point, and only those agencies', () => {
    const warnings = startWarnings(
      {
        caseDueOnPassed: null,
        overdueSteps: [],
        assignedSteps: [
          { key: 'execute', titles: titles('Implementation'), agencies: ['KG-MOE'] },
          {
            key: 'contribute',
            titles: titles('Contributions'),
            agencies: ['KG-SCS', 'OSCE-BISHKEK', 'UNODA'],
          },
          { key: 'review', titles: titles('Review'), agencies: ['UNODA'] },
          { key: 'head_approval', titles: titles('Head approval'), agencies: ['KG-MOE'] },
        ],
      },
      'Asia/Bishkek',
      new Set(['KG-MOE', 'KG-SCS']),
    );
    expect(warnings).toEqual([
      {
        code: 'no_focal_point',
        message:
          'step "contribute" waits on OSCE-BISHKEK, UNODA, which have no active focal point: nobody there is ' +
          'emailed about it',
        step: 'contribute',
        stepTitles: titles('Contributions'),
        assignees: ['OSCE-BISHKEK', 'UNODA'],
      },
      {
        code: 'no_focal_point',
        message:
          'step "review" waits on UNODA, which has no active focal point: nobody there is emailed about it',
        step: 'review',
        stepTitles: titles('Review'),
        assignees: ['UNODA'],
      },
    ]);
  });
});
