import { NOTIFICATION_KINDS, type NotificationKind } from '@app/domain/case/case.types';
import type { NotificationFacts } from '../mail.types';
import { renderNotification } from './render-notification';

const KINDS: readonly NotificationKind[] = NOTIFICATION_KINDS;

function facts(
  kind: NotificationKind,
  language: 'ru' | 'en',
  extra: Partial<NotificationFacts> = {},
): NotificationFacts {
  return {
    kind,
    language,
    recipientName: 'Айгуль Осмонова',
    timeZone: 'Asia/Bishkek',
    planCode: 'KG-NAP-2013',
    caseCode: 'RPM-HANDOVER',
    caseTitle: 'Radiation portal monitors handed to the Border Service',
    stepKey: 'train',
    stepTitle: 'Training of Border Service officers',
    dueOn: '2015-01-01',
    level: 2,
    decision: 'approve_with_comments',
    comment: 'Add the <training> plan & schedule',
    actorName: 'Bakyt Sydykov',
    actorAgency: 'KG-MOJ',
    agencies: ['KG-BS'],
    outcome: 'completed',
    ...(kind === 'weekly_digest'
      ? {
          digest: {
            agencyName: 'State Customs Service',
            weekOf: '2026-11-30',
            dueThisWeek: [
              {
                caseCode: 'DL-EXPORT',
                caseTitle: 'Draft law on identification',
                stepTitle: 'Legal review',
                dueOn: '2026-12-02',
                caseUrl: 'https://napflow.example/app/cases/dl-export',
              },
            ],
            overdue: [],
            awaitingDecision: [
              { caseCode: 'GD-CWC', caseTitle: 'CWC decision', stepTitle: 'Approval', dueOn: null },
            ],
          },
        }
      : {}),
    ...(kind === 'steps_assigned'
      ? {
          caseCode: undefined,
          caseTitle: undefined,
          stepKey: undefined,
          stepTitle: undefined,
          inboxUrl: 'https://napflow.example/app/inbox',
          newSteps: {
            items: [
              {
                caseCode: 'M-2',
                caseTitle: 'Customs training',
                stepTitle: 'Legal review',
                dueOn: '2026-12-02',
                caseUrl: 'https://napflow.example/app/cases/c-2?x=1&y=2',
              },
              { caseCode: 'M-7', caseTitle: 'Border portals', stepTitle: 'Contribution', dueOn: null },
            ],
            total: 3,
          },
        }
      : {}),
    ...extra,
  };
}

const flat = (t: string) => t.replace(/\s+/g, ' ');

describe('renderNotification', () => {
  describe.each(KINDS)('%s', (kind) => {
    it('renders English and Russian with every fact and no placeholders left', () => {
      for (const language of ['en', 'ru'] as const) {
        const mail = renderNotification(facts(kind, language));
        expect(mail.subject.length).toBeGreaterThan(10);
        expect(mail.subject).not.toMatch(/undefined|null|\[object/);
        expect(mail.text).not.toMatch(/undefined|null|\[object/);
        expect(mail.html).toContain(`<html lang="${language}">`);
        expect(mail.text).toContain(language === 'ru' ? 'Айгуль Осмонова' : 'Dear Айгуль Осмонова');
        if (kind === 'weekly_digest') {
          expect(mail.text).toContain('Legal review');
          expect(mail.html).toContain('<li><a href="https://napflow.example/app/cases/dl-export"');
          expect(mail.text).toContain(language === 'ru' ? 'Просрочено (0)' : 'Overdue (0)');
          expect(mail.subject).toContain(language === 'ru' ? '30 ноября 2026' : '30 November 2026');
        } else if (kind === 'steps_assigned') {
          expect(mail.subject).toBe(
            language === 'ru'
              ? '3 новых этапа для вашего ведомства в плане KG-NAP-2013'
              : '3 new steps for your agency in KG-NAP-2013',
          );
          // the section counts every step, lists the first ones and says how many more there are
          expect(mail.text).toContain(language === 'ru' ? 'Новые этапы (3)' : 'New steps (3)');
          expect(mail.text).toContain(
            language === 'ru'
              ? '- Customs training (M-2): Legal review, срок среда, 2 декабря 2026 г.'
              : '- Customs training (M-2): Legal review, due Wednesday, 2 December 2026',
          );
          expect(mail.text).toContain('- Border portals (M-7): Contribution\n');
          // an item with its case's address: a link in the HTML, the address below it in the text
          expect(mail.html).toContain('<li><a href="https://napflow.example/app/cases/c-2?x=1&amp;y=2"');
          expect(mail.text).toContain('\n  https://napflow.example/app/cases/c-2?x=1&y=2\n');
          expect(mail.html).toContain('<li>Border portals (M-7): Contribution</li>');
          expect(flat(mail.text)).toContain(language === 'ru' ? '… и ещё 1:' : '… and 1 more:');
          expect(mail.html).toContain('<a href="https://napflow.example/app/inbox"');
        } else {
          expect(mail.subject).toContain('RPM-HANDOVER');
          expect(flat(mail.text)).toContain(
            language === 'ru' ? 'четверг, 1 января 2015 г.' : 'Thursday, 1 January 2015',
          );
          // text-only clients get the same facts as the HTML
          expect(mail.text).toContain('Training of Border Service officers');
        }
      }
    });
  });

  it("counts an import's new steps in Russian with the right plural, and lists them all when they fit", () => {
    const subject = (total: number) =>
      renderNotification(
        facts('steps_assigned', 'ru', {
          newSteps: {
            items: Array.from({ length: total }, () => ({
              caseCode: 'M',
              caseTitle: 'T',
              stepTitle: 'S',
              dueOn: null,
            })),
            total,
          },
        }),
      ).subject;
    expect([1, 2, 5, 21].map(subject)).toEqual([
      '1 новый этап для вашего ведомства в плане KG-NAP-2013',
      '2 новых этапа для вашего ведомства в плане KG-NAP-2013',
      '5 новых этапов для вашего ведомства в плане KG-NAP-2013',
      '21 новый этап для вашего ведомства в плане KG-NAP-2013',
    ]);
    const one = renderNotification(
      facts('steps_assigned', 'en', {
        newSteps: { items: [{ caseCode: 'M-1', caseTitle: 'T', stepTitle: 'S', dueOn: null }], total: 1 },
      }),
    );
    expect(one.subject).toBe('1 new step for your agency in KG-NAP-2013');
    expect(one.text).not.toContain('more:');
  });

  it('escapes HTML in user text but keeps it readable in the text part', () => {
    const mail = renderNotification(facts('decision_made', 'en'));
    expect(mail.html).toContain('Add the &lt;training&gt; plan &amp; schedule');
    expect(mail.html).not.toContain('<training>');
    expect(mail.text).toContain('> Add the <training> plan & schedule');
    expect(mail.subject).toBe(
      'Decision recorded, approved with comments: Training of Border Service officers (RPM-HANDOVER)',
    );
  });

  it('writes Russian subjects and decisions in Russian', () => {
    const mail = renderNotification(facts('decision_made', 'ru'));
    expect(mail.subject).toBe(
      'Решение принято, одобрено с замечаниями: Training of Border Service officers (RPM-HANDOVER)',
    );
    expect(mail.text).toContain('Комментарий:');
    expect(flat(renderNotification(facts('reminder', 'ru')).text)).toContain('осталось 2 рабочих дня');
    expect(flat(renderNotification(facts('reminder', 'en')).text)).toContain('in 2 working days');
  });

  it('offers one link per choice, says opening changes nothing, and shows the expiry in the state time zone', () => {
    const mail = renderNotification(
      facts('decision_requested', 'en', {
        action: {
          url: 'https://napflow.example.org/email-links/TOKEN',
          choices: ['approve', 'reject'],
          expiresAt: '2026-12-11T03:00:00Z',
        },
      }),
    );
    expect(mail.text).toContain('Approve:\n  https://napflow.example.org/email-links/TOKEN?choice=approve');
    expect(mail.text).toContain('Reject:\n  https://napflow.example.org/email-links/TOKEN?choice=reject');
    expect(flat(mail.text)).toContain('Opening the link changes nothing');
    expect(flat(mail.text)).toContain('11 Dec 2026, 09:00 (Asia/Bishkek)');
    expect(mail.html).toContain('href="https://napflow.example.org/email-links/TOKEN?choice=approve"');
  });

  it('tells a deputy whom they stand in for', () => {
    expect(
      flat(renderNotification(facts('overdue', 'ru', { onBehalfOfName: 'Нурлан Асанов' })).text),
    ).toContain('как заместитель отсутствующего сотрудника: Нурлан Асанов');
  });

  it('leaves out absent facts instead of printing them', () => {
    const mail = renderNotification({
      kind: 'case_closed',
      language: 'en',
      recipientName: 'A',
      timeZone: 'Asia/Dushanbe',
      caseCode: 'X',
      caseTitle: 'T',
    });
    expect(mail.text).not.toMatch(/Due on|Step:|undefined/);
    expect(mail.subject).toBe('Case closed: T (X)');
  });
});
