import type { StepSnapshot } from '@app/domain/case/case.types';
import { DomainException } from '../common/domain.exception';
import type { Principal } from '../common/principal';
import { assertMayAct } from './case-access.policy';

const person = (role: Principal['role'], agencyCode: string, stateCode: string | null = 'KG'): Principal => ({
  personId: `${role}-${agencyCode}`,
  name: role,
  email: `${role}@x.example.org`,
  role,
  agencyCode,
  stateCode,
  timeZone: stateCode === null ? null : 'Asia/Bishkek',
  language: 'en',
  channel: 'api',
  tokenId: 't',
});

const step = (key: string, assignees: string[], extra: Partial<StepSnapshot> = {}): StepSnapshot => ({
  key,
  title: key,
  kind: 'task',
  status: 'active',
  assignees,
  dueOn: null,
  dueAt: null,
  startedAt: null,
  completedAt: null,
  occurrence: 1,
  actions: [],
  nextNotices: [],
  ...extra,
});

const kgCase = {
  stateCode: 'KG',
  steps: [
    step('execute', ['KG-SCS']),
    step('approve', [], {
      kind: 'approval',
      approval: { mode: 'all', required: 1, tacitConsent: false, decisions: { 'KG-BS': 'approve' } },
    }),
  ],
};

const status = (fn: () => unknown): number | 'ok' => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof DomainException ? (e.code === 'forbidden' ? 403 : 404) : -1;
  }
};

describe('assertMayAct', () => {
  it('lets a focal point act on the steps of their agency only', () => {
    expect(status(() => assertMayAct(person('focal_point', 'KG-SCS'), kgCase, 'complete', 'execute'))).toBe(
      'ok',
    );
    expect(status(() => assertMayAct(person('focal_point', 'KG-BS'), kgCase, 'complete', 'execute'))).toBe(
      403,
    );
    expect(status(() => assertMayAct(person('focal_point', 'KG-SCS'), kgCase, 'complete', 'nope'))).toBe(404);
  });

  it("lets a partner state's focal point act on a step assigned to their agency only (peer review), never comment", () => {
    const review = {
      stateCode: 'KG',
      steps: [step('joint_report', ['KG-MFA', 'TJ-MFA']), step('execute', ['KG-SCS'])],
    };
    const tj = person('focal_point', 'TJ-MFA', 'TJ');
    expect(status(() => assertMayAct(tj, review, 'complete', 'joint_report'))).toBe('ok');
    expect(status(() => assertMayAct(tj, review, 'complete', 'execute'))).toBe(403);
    expect(status(() => assertMayAct(tj, review, 'comment'))).toBe(403);
    expect(status(() => assertMayAct(tj, review, 'extend_due_date', 'joint_report'))).toBe(403);
    // never as a deputy of someone in the case's state
    const deputyFor = [{ personId: 'kg-scs-focal', agencyCode: 'KG-SCS' }];
    expect(status(() => assertMayAct(tj, review, 'complete', 'execute', deputyFor))).toBe(403);
  });

  it('leaves a repeated decision to the workflow (409 there, not 403 here)', () => {
    expect(status(() => assertMayAct(person('focal_point', 'KG-BS'), kgCase, 'decide', 'approve'))).toBe(
      'ok',
    );
  });

  it('keeps due dates, reassignment and withdrawal to coordinators of the state and admins', () => {
    for (const a of ['extend_due_date', 'reassign', 'withdraw'] as const) {
      expect(status(() => assertMayAct(person('focal_point', 'KG-SCS'), kgCase, a, 'execute'))).toBe(403);
      expect(status(() => assertMayAct(person('coordinator', 'KG-MOE'), kgCase, a, 'execute'))).toBe('ok');
      expect(status(() => assertMayAct(person('coordinator', 'TJ-MOE', 'TJ'), kgCase, a, 'execute'))).toBe(
        403,
      );
      expect(status(() => assertMayAct(person('admin', 'NAPFLOW', null), kgCase, a, 'execute'))).toBe('ok');
    }
  });

  it('refuses every write to observers', () => {
    for (const a of [
      'complete',
      'decide',
      'milestone',
      'extend_due_date',
      'reassign',
      'withdraw',
      'comment',
    ] as const) {
      expect(status(() => assertMayAct(person('observer', 'OSCE', null), kgCase, a, 'execute'))).toBe(403);
    }
  });

  it('lets a deputy act for an absent colleague and says so', () => {
    const acting = assertMayAct(person('focal_point', 'KG-FIRE'), kgCase, 'complete', 'execute', [
      { personId: 'p1', agencyCode: 'KG-SCS' },
    ]);
    expect(acting).toEqual({ onBehalfOf: { personId: 'p1', agencyCode: 'KG-SCS' } });
  });
});
