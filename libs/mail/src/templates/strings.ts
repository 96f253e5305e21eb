import type { Decision, Language, NotificationKind } from '@app/domain/case/case.types';
import type { LinkChoice } from '../mail.types';

// Every word an email says, in both languages. Kept apart from the layout so a translator reads one file.

export interface Strings {
  labels: {
    case: string;
    plan: string;
    step: string;
    dueOn: string;
    decision: string;
    by: string;
    agencies: string;
    comment: string;
    outcome: string;
    openCase: string;
  };
  decisions: Record<Decision | 'tacit_consent', string>;
  choices: Record<LinkChoice, string>;
  greeting: (name: string) => string;
  deputy: (absent: string) => string;
  action: {
    introDecide: string;
    introComplete: string;
    open: string;
    safe: string;
    expiry: (when: string) => string;
  };
  digest: {
    dueThisWeek: string;
    overdue: string;
    awaitingDecision: string;
    none: string;
    due: (date: string) => string;
  };
  /** an import's new steps for one agency (steps_assigned) */
  newSteps: {
    title: string;
    more: (n: number) => string;
    openInbox: string;
  };
  footer: string;
  subject: Record<NotificationKind, (f: SubjectFacts) => string>;
  heading: Record<NotificationKind, string>;
  intro: Record<NotificationKind, (f: IntroFacts) => string[]>;
  daysLeft: (n: number) => string;
}

export interface SubjectFacts {
  caseCode: string;
  caseTitle: string;
  stepTitle: string;
  decision: string;
  agencyName: string;
  weekOf: string;
  planCode: string;
  /** steps_assigned: how many new steps */
  count: number;
}

export interface IntroFacts extends SubjectFacts {
  due: string | null;
  level: number | null;
  agencies: string;
  actor: string;
  outcome: string;
  daysLeft: string | null;
}

const en: Strings = {
  labels: {
    case: 'Case',
    plan: 'Action plan',
    step: 'Step',
    dueOn: 'Due on',
    decision: 'Decision',
    by: 'By',
    agencies: 'Agencies',
    comment: 'Comment',
    outcome: 'Outcome',
    openCase: 'Open the case in napflow',
  },
  decisions: {
    approve: 'approved',
    approve_with_comments: 'approved with comments',
    request_changes: 'changes requested',
    reject: 'rejected',
    tacit_consent: 'approved by tacit consent (no answer by the due date)',
  },
  choices: {
    approve: 'Approve',
    approve_with_comments: 'Approve with comments',
    request_changes: 'Request changes',
    reject: 'Reject',
    complete: 'Mark as done',
  },
  greeting: (name) => `Dear ${name},`,
  deputy: (absent) => `You receive this message as the deputy of ${absent}, who is away.`,
  action: {
    introDecide: 'You can give your decision without signing in:',
    introComplete: 'You can mark the step as done without signing in:',
    open: 'Open the confirmation page',
    safe: 'Opening the link changes nothing: the page shows the case and asks you to confirm.',
    expiry: (when) => `The link works once, until ${when}, and only for you. Do not forward this email.`,
  },
  digest: {
    dueThisWeek: 'Due this week',
    overdue: 'Overdue',
    awaitingDecision: 'Waiting for your decision',
    none: 'Nothing.',
    due: (date) => `due ${date}`,
  },
  newSteps: {
    title: 'New steps',
    more: (n) => `… and ${n} more: your inbox in napflow lists them all.`,
    openInbox: 'Open your inbox in napflow',
  },
  footer:
    'This message was sent by napflow, the tracking system of your national action plan. Replies to it are not read; contact your national coordinator with questions.',
  subject: {
    step_assigned: (f) => `New step for your agency: ${f.stepTitle} (${f.caseCode})`,
    reminder: (f) => `Reminder: ${f.stepTitle} is due soon (${f.caseCode})`,
    due_today: (f) => `Due today: ${f.stepTitle} (${f.caseCode})`,
    overdue: (f) => `Overdue: ${f.stepTitle} (${f.caseCode})`,
    escalation: (f) => `Escalation: ${f.stepTitle} is overdue (${f.caseCode})`,
    decision_requested: (f) => `Your decision is requested: ${f.stepTitle} (${f.caseCode})`,
    decision_made: (f) => `Decision recorded, ${f.decision}: ${f.stepTitle} (${f.caseCode})`,
    returned_for_rework: (f) => `Returned for rework: ${f.stepTitle} (${f.caseCode})`,
    case_closed: (f) => `Case closed: ${f.caseTitle} (${f.caseCode})`,
    weekly_digest: (f) => `Weekly summary for ${f.agencyName}, week of ${f.weekOf}`,
    steps_assigned: (f) =>
      `${f.count} new ${f.count === 1 ? 'step' : 'steps'} for your agency in ${f.planCode}`,
  },
  heading: {
    step_assigned: 'A step is assigned to your agency',
    reminder: 'Reminder of a due date',
    due_today: 'A step is due today',
    overdue: 'A step is overdue',
    escalation: 'Escalation of an overdue step',
    decision_requested: 'Your decision is requested',
    decision_made: 'A decision was recorded',
    returned_for_rework: 'A step was returned for rework',
    case_closed: 'A case was closed',
    weekly_digest: 'Weekly summary',
    steps_assigned: 'New steps for your agency',
  },
  intro: {
    step_assigned: (f) => [
      `Your agency is responsible for the step "${f.stepTitle}" of "${f.caseTitle}".`,
      ...(f.due ? [`It is due on ${f.due}.`] : []),
    ],
    reminder: (f) => [
      `The step "${f.stepTitle}" of "${f.caseTitle}" is due on ${f.due ?? '—'}${f.daysLeft ? `, in ${f.daysLeft}` : ''}.`,
    ],
    due_today: (f) => [`The step "${f.stepTitle}" of "${f.caseTitle}" is due today, ${f.due ?? '—'}.`],
    overdue: (f) => [
      `The step "${f.stepTitle}" of "${f.caseTitle}" was due on ${f.due ?? '—'} and is not done yet.`,
    ],
    escalation: (f) => [
      `The step "${f.stepTitle}" of "${f.caseTitle}", assigned to ${f.agencies || '—'}, was due on ${f.due ?? '—'} and is still open.`,
      ...(f.level ? [`This is escalation level ${f.level}.`] : []),
    ],
    decision_requested: (f) => [
      `Your agency's decision is requested on "${f.stepTitle}" of "${f.caseTitle}".`,
      ...(f.due ? [`Please decide by ${f.due}.`] : []),
    ],
    decision_made: (f) => [
      `${f.actor || 'A participant'} recorded a decision on "${f.stepTitle}" of "${f.caseTitle}": ${f.decision}.`,
    ],
    returned_for_rework: (f) => [
      `The step "${f.stepTitle}" of "${f.caseTitle}" was returned to your agency for rework${f.actor ? ` by ${f.actor}` : ''}.`,
      ...(f.due ? [`The new due date is ${f.due}.`] : []),
    ],
    case_closed: (f) => [`The case "${f.caseTitle}" is closed${f.outcome ? `: ${f.outcome}` : ''}.`],
    weekly_digest: (f) => [`This is what waits on ${f.agencyName} in the week of ${f.weekOf}.`],
    steps_assigned: (f) => [
      `Measures were imported into the action plan ${f.planCode}. Your agency is responsible for ${f.count} new ${f.count === 1 ? 'step' : 'steps'} in them, listed below by due date.`,
      'Reminders will come as each due date approaches.',
    ],
  },
  daysLeft: (n) => `${n} working ${n === 1 ? 'day' : 'days'}`,
};

const ru: Strings = {
  labels: {
    case: 'Дело',
    plan: 'План действий',
    step: 'Этап',
    dueOn: 'Срок',
    decision: 'Решение',
    by: 'Кем',
    agencies: 'Ведомства',
    comment: 'Комментарий',
    outcome: 'Итог',
    openCase: 'Открыть дело в napflow',
  },
  decisions: {
    approve: 'одобрено',
    approve_with_comments: 'одобрено с замечаниями',
    request_changes: 'возвращено на доработку',
    reject: 'отклонено',
    tacit_consent: 'одобрено по умолчанию (ответа к сроку не было)',
  },
  choices: {
    approve: 'Одобрить',
    approve_with_comments: 'Одобрить с замечаниями',
    request_changes: 'Вернуть на доработку',
    reject: 'Отклонить',
    complete: 'Отметить как выполненное',
  },
  greeting: (name) => `Здравствуйте, ${name}!`,
  deputy: (absent) => `Вы получили это письмо как заместитель отсутствующего сотрудника: ${absent}.`,
  action: {
    introDecide: 'Вы можете принять решение без входа в систему:',
    introComplete: 'Вы можете отметить этап как выполненный без входа в систему:',
    open: 'Открыть страницу подтверждения',
    safe: 'Переход по ссылке ничего не меняет: страница покажет дело и попросит подтвердить действие.',
    expiry: (when) => `Ссылка действует один раз, до ${when}, и только для вас. Не пересылайте это письмо.`,
  },
  digest: {
    dueThisWeek: 'Срок на этой неделе',
    overdue: 'Просрочено',
    awaitingDecision: 'Ожидает вашего решения',
    none: 'Нет.',
    due: (date) => `срок ${date}`,
  },
  newSteps: {
    title: 'Новые этапы',
    more: (n) => `… и ещё ${n}: все они есть во входящих в napflow.`,
    openInbox: 'Открыть входящие в napflow',
  },
  footer:
    'Это письмо отправлено системой napflow, которая отслеживает выполнение вашего национального плана действий. Ответы на него не читаются; с вопросами обращайтесь к национальному координатору.',
  subject: {
    step_assigned: (f) => `Новый этап для вашего ведомства: ${f.stepTitle} (${f.caseCode})`,
    reminder: (f) => `Напоминание: приближается срок этапа «${f.stepTitle}» (${f.caseCode})`,
    due_today: (f) => `Срок сегодня: ${f.stepTitle} (${f.caseCode})`,
    overdue: (f) => `Просрочено: ${f.stepTitle} (${f.caseCode})`,
    escalation: (f) => `Эскалация: просрочен этап «${f.stepTitle}» (${f.caseCode})`,
    decision_requested: (f) => `Требуется ваше решение: ${f.stepTitle} (${f.caseCode})`,
    decision_made: (f) => `Решение принято, ${f.decision}: ${f.stepTitle} (${f.caseCode})`,
    returned_for_rework: (f) => `Возвращено на доработку: ${f.stepTitle} (${f.caseCode})`,
    case_closed: (f) => `Дело закрыто: ${f.caseTitle} (${f.caseCode})`,
    weekly_digest: (f) => `Еженедельная сводка для ведомства «${f.agencyName}», неделя с ${f.weekOf}`,
    steps_assigned: (f) => `${f.count} ${ruNewSteps(f.count)} для вашего ведомства в плане ${f.planCode}`,
  },
  heading: {
    step_assigned: 'Вашему ведомству поручен этап',
    reminder: 'Напоминание о сроке',
    due_today: 'Срок этапа истекает сегодня',
    overdue: 'Этап просрочен',
    escalation: 'Эскалация просроченного этапа',
    decision_requested: 'Требуется ваше решение',
    decision_made: 'Решение принято',
    returned_for_rework: 'Этап возвращён на доработку',
    case_closed: 'Дело закрыто',
    weekly_digest: 'Еженедельная сводка',
    steps_assigned: 'Новые этапы для вашего ведомства',
  },
  intro: {
    step_assigned: (f) => [
      `Ваше ведомство отвечает за этап «${f.stepTitle}» по делу «${f.caseTitle}».`,
      ...(f.due ? [`Срок выполнения: ${f.due}.`] : []),
    ],
    reminder: (f) => [
      `Срок этапа «${f.stepTitle}» по делу «${f.caseTitle}»: ${f.due ?? '—'}${f.daysLeft ? `, осталось ${f.daysLeft}` : ''}.`,
    ],
    due_today: (f) => [
      `Срок этапа «${f.stepTitle}» по делу «${f.caseTitle}» истекает сегодня, ${f.due ?? '—'}.`,
    ],
    overdue: (f) => [
      `Срок этапа «${f.stepTitle}» по делу «${f.caseTitle}» истёк ${f.due ?? '—'}, этап не выполнен.`,
    ],
    escalation: (f) => [
      `Этап «${f.stepTitle}» по делу «${f.caseTitle}», порученный: ${f.agencies || '—'}, должен был быть выполнен ${f.due ?? '—'} и всё ещё открыт.`,
      ...(f.level ? [`Уровень эскалации: ${f.level}.`] : []),
    ],
    decision_requested: (f) => [
      `Требуется решение вашего ведомства по этапу «${f.stepTitle}» дела «${f.caseTitle}».`,
      ...(f.due ? [`Пожалуйста, примите решение до ${f.due}.`] : []),
    ],
    decision_made: (f) => [
      `${f.actor || 'Участник'} принял(а) решение по этапу «${f.stepTitle}» дела «${f.caseTitle}»: ${f.decision}.`,
    ],
    returned_for_rework: (f) => [
      `Этап «${f.stepTitle}» по делу «${f.caseTitle}» возвращён вашему ведомству на доработку${f.actor ? ` (${f.actor})` : ''}.`,
      ...(f.due ? [`Новый срок: ${f.due}.`] : []),
    ],
    case_closed: (f) => [`Дело «${f.caseTitle}» закрыто${f.outcome ? `: ${f.outcome}` : ''}.`],
    weekly_digest: (f) => [`Что ожидает ведомство «${f.agencyName}» на неделе с ${f.weekOf}.`],
    steps_assigned: (f) => [
      `В план действий ${f.planCode} импортированы мероприятия. Ваше ведомство отвечает в них за ${f.count} ${ruNewSteps(f.count)}; они перечислены ниже по срокам.`,
      'Напоминания придут по мере приближения сроков.',
    ],
  },
  daysLeft: (n) => `${n} ${ruDays(n)}`,
};

function ruDays(n: number): string {
  const cat = new Intl.PluralRules('ru').select(n);
  return cat === 'one' ? 'рабочий день' : cat === 'few' ? 'рабочих дня' : 'рабочих дней';
}

/** "1 новый этап", "2 новых этапа", "5 новых этапов" (the same after "за": этап is inanimate) */
function ruNewSteps(n: number): string {
  const cat = new Intl.PluralRules('ru').select(n);
  return cat === 'one' ? 'новый этап' : cat === 'few' ? 'новых этапа' : 'новых этапов';
}

export const STRINGS: Record<Language, Strings> = { en, ru };

/** Case outcomes (CaseStatus) in words. */
export const OUTCOMES: Record<Language, Record<string, string>> = {
  en: { completed: 'completed', rejected: 'rejected', withdrawn: 'withdrawn', active: 'active' },
  ru: { completed: 'выполнено', rejected: 'отклонено', withdrawn: 'отозвано', active: 'в работе' },
};
