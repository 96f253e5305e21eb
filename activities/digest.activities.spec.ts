import { getShippedDefinition } from '@app/domain';
import type { AgenciesRepository, OpenStep, StatesRepository, StepsRepository } from '@app/persistence';
import { createDigestActivities } from './digest.activities';

const SCHEDULED_FOR = '2030-01-07T03:00:00.000Z'; // Monday 09:00 in Bishkek

function openStep(patch: Partial<OpenStep> & Pick<OpenStep, 'stepKey' | 'stepTitle'>): OpenStep {
  return {
    caseId: `id-${patch.caseCode ?? 'M-1'}`,
    caseCode: 'M-1',
    caseTitle: 'Export controls',
    caseKind: 'measure',
    caseStatus: 'active',
    planCode: 'KG-NAP-2013',
    stateCode: 'KG',
    workflowId: `case:KG-NAP-2013:${patch.caseCode ?? 'M-1'}`,
    stepKind: 'task',
    assignees: ['KG-SCS'],
    dueOn: '2030-01-03',
    dueAt: '2030-01-03T12:00:00.000Z',
    overdue: true,
    occurrence: 1,
    startedAt: null,
    definitionKey: 'measure',
    definitionVersion: 1,
    ...patch,
  };
}

function setUp(open: OpenStep[]) {
  const lookups: string[] = [];
  const { collectAgencyDigest } = createDigestActivities({
    steps: { openStepsOf: () => Promise.resolve(open) } as unknown as StepsRepository,
    agencies: {
      get: () => Promise.resolve({ code: 'KG-SCS', name: 'State Customs Service', stateCode: 'KG' }),
    } as unknown as AgenciesRepository,
    states: {
      get: () => Promise.resolve({ code: 'KG', timeZone: 'Asia/Bishkek' }),
    } as unknown as StatesRepository,
    definition: (key, version) => {
      lookups.push(`${key}@${version}`);
      return Promise.resolve(getShippedDefinition(key, version));
    },
  });
  return {
    collect: () => collectAgencyDigest({ agencyCode: 'KG-SCS', scheduledFor: SCHEDULED_FOR }),
    lookups,
  };
}

describe('createDigestActivities', () => {
  describe('collectAgencyDigest', () => {
    it("gives each item its step's titles, reading each definition version once", async () => {
      const { collect, lookups } = setUp([
        openStep({ caseCode: 'M-1', stepKey: 'execute', stepTitle: 'Implementation by the lead agency' }),
        openStep({ caseCode: 'M-2', stepKey: 'execute', stepTitle: 'Implementation by the lead agency' }),
        openStep({
          caseCode: 'M-3',
          stepKey: 'head_approval',
          stepTitle: 'Approval by the head of the lead agency',
          stepKind: 'approval',
          overdue: false,
          dueOn: '2030-01-20',
          dueAt: '2030-01-20T12:00:00.000Z',
        }),
      ]);
      const digest = await collect();
      expect(lookups).toEqual(['measure@1']);
      expect(digest?.overdue.map((i) => i.stepTitles)).toEqual([
        { ru: 'Исполнение меры ведущим ведомством', en: 'Implementation by the lead agency' },
        { ru: 'Исполнение меры ведущим ведомством', en: 'Implementation by the lead agency' },
      ]);
      expect(digest?.awaitingDecision).toEqual([
        {
          caseCode: 'M-3',
          caseTitle: 'Export controls',
          stepTitle: 'Approval by the head of the lead agency',
          stepTitles: {
            ru: 'Утверждение руководителем ведущего ведомства',
            en: 'Approval by the head of the lead agency',
          },
          dueOn: '2030-01-20',
          // the email links it to its case
          caseId: 'id-M-3',
        },
      ]);
    });

    it('leaves the titles out when the definition is unknown, lacks the step, or the case has no version', async () => {
      const { collect, lookups } = setUp([
        openStep({ caseCode: 'U-1', stepKey: 'execute', stepTitle: 'Stored', definitionKey: 'uploaded' }),
        openStep({ caseCode: 'M-1', stepKey: 'gone', stepTitle: 'Stored too' }),
        openStep({ caseCode: 'O-1', stepKey: 'execute', stepTitle: 'Old', definitionVersion: null }),
      ]);
      const digest = await collect();
      expect(lookups).toEqual(['uploaded@1', 'measure@1']);
      expect(digest?.overdue).toEqual([
        {
          caseCode: 'U-1',
          caseTitle: 'Export controls',
          stepTitle: 'Stored',
          dueOn: '2030-01-03',
          caseId: 'id-U-1',
        },
        {
          caseCode: 'M-1',
          caseTitle: 'Export controls',
          stepTitle: 'Stored too',
          dueOn: '2030-01-03',
          caseId: 'id-M-1',
        },
        {
          caseCode: 'O-1',
          caseTitle: 'Export controls',
          stepTitle: 'Old',
          dueOn: '2030-01-03',
          caseId: 'id-O-1',
        },
      ]);
    });
  });
});
