import type { NotificationFacts } from '@app/mail';
import { digestIn, newStepsIn, replyCodeOf } from './notify.activities';

type Digest = NonNullable<NotificationFacts['digest']>;

const digest = (items: Digest['overdue']): Digest => ({
  agencyName: 'State Customs Service',
  weekOf: '2030-01-07',
  overdue: items,
  dueThisWeek: [],
  awaitingDecision: items,
});

describe('newStepsIn', () => {
  const handedOver = {
    items: [
      {
        caseCode: 'M-1',
        caseTitle: 'Export controls',
        stepKey: 'execute',
        stepTitle: { en: 'Implementation by the lead agency', ru: 'Исполнение меры ведущим ведомством' },
        dueOn: '2030-01-03',
      },
      {
        caseCode: 'M-2',
        caseTitle: 'Border portals',
        stepKey: 'contribute',
        stepTitle: 'Contribution',
        dueOn: null,
      },
    ],
    total: 7,
  };

  it("names each step in the reader's language, a plain title as it is", () => {
    expect(newStepsIn(handedOver, 'ru')).toEqual({
      items: [
        {
          caseCode: 'M-1',
          caseTitle: 'Export controls',
          stepTitle: 'Исполнение меры ведущим ведомством',
          dueOn: '2030-01-03',
        },
        { caseCode: 'M-2', caseTitle: 'Border portals', stepTitle: 'Contribution', dueOn: null },
      ],
      total: 7,
    });
    expect(newStepsIn(handedOver, 'en')?.items[0].stepTitle).toBe('Implementation by the lead agency');
  });

  it("links each step to its case, given the case's workflow id", () => {
    const withIds = {
      ...handedOver,
      items: handedOver.items.map((i) => ({ ...i, workflowId: `case:KG-NAP:${i.caseCode}` })),
    };
    const linked = newStepsIn(withIds, 'en', (wf) => `https://napflow.example/app/cases/${wf}`);
    expect(linked?.items.map((i) => i.caseUrl)).toEqual([
      'https://napflow.example/app/cases/case:KG-NAP:M-1',
      'https://napflow.example/app/cases/case:KG-NAP:M-2',
    ]);
    // no workflow id (or no way to link): no link
    expect(newStepsIn(handedOver, 'en', (wf) => wf)?.items[0]).not.toHaveProperty('caseUrl');
    expect(newStepsIn(withIds, 'en')?.items[0]).not.toHaveProperty('caseUrl');
  });

  it('never counts fewer steps than it lists, and takes anything else as absent', () => {
    expect(newStepsIn({ items: handedOver.items }, 'en')?.total).toBe(2);
    expect(newStepsIn(undefined, 'en')).toBeUndefined();
    expect(newStepsIn({ items: 'M-1' }, 'en')).toBeUndefined();
  });
});

describe('digestIn', () => {
  const titled = {
    caseCode: 'M-1',
    caseTitle: 'Export controls',
    stepTitle: 'Implementation by the lead agency',
    stepTitles: { ru: 'Исполнение меры ведущим ведомством', en: 'Implementation by the lead agency (v2)' },
    dueOn: '2030-01-03',
  };

  it("names each step in the recipient's language", () => {
    expect(digestIn(digest([titled]), 'ru')?.overdue).toEqual([
      {
        caseCode: 'M-1',
        caseTitle: 'Export controls',
        stepTitle: 'Исполнение меры ведущим ведомством',
        dueOn: '2030-01-03',
      },
    ]);
    expect(digestIn(digest([titled]), 'en')?.awaitingDecision[0].stepTitle).toBe(
      'Implementation by the lead agency (v2)',
    );
  });

  it('links each item with a case id to its case (digests collected before items carried one: no link)', () => {
    const url = (id: string) => `https://napflow.example/app/cases/${id}`;
    expect(digestIn(digest([{ ...titled, caseId: 'c-1' }]), 'en', url)?.overdue[0].caseUrl).toBe(
      'https://napflow.example/app/cases/c-1',
    );
    expect(digestIn(digest([titled]), 'en', url)?.overdue[0]).not.toHaveProperty('caseUrl');
  });

  it('falls back to English when the language is missing', () => {
    const englishOnly = { ...titled, stepTitles: { en: 'Implementation by the lead agency (v2)' } };
    expect(digestIn(digest([englishOnly]), 'ru')?.overdue[0].stepTitle).toBe(
      'Implementation by the lead agency (v2)',
    );
  });

  it('keeps the stored title of items without titles (digests recorded before they carried them)', () => {
    const { stepTitles: _stepTitles, ...old } = titled;
    expect(digestIn(digest([old]), 'ru')).toEqual(digest([old]));
  });

  it('leaves a notification without a digest without one', () => {
    expect(digestIn(undefined, 'ru')).toBeUndefined();
  });
});

describe('replyCodeOf', () => {
  it('keeps the reply code of a temporary failure and drops the server text, which may quote the recipient', () => {
    expect(replyCodeOf('451: 4.7.1 <fp-kg-scs@mfa.kg>: greylisted, try again later')).toBe('451');
    expect(replyCodeOf('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:2525')).toBe('ECONNREFUSED');
    expect(replyCodeOf('another attempt is sending this copy')).toBe('another attempt is sending this copy');
  });
});
