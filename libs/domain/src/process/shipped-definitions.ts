// The process definitions napflow ships, drawn from the 1540 peer-review note (see /work/shared/seed): version 1
// of each kind. They are validated when this module loads, so a broken edit fails every test that imports it.
//
// Participant roles they use (resolved per case from StartCaseInput): lead, supporting, coordinator (national
// coordinator; participants.coordinator may name its agency), justice (Ministry of Justice), handing_over and
// receiving (handover), state_a and state_b (the two peer-review states).
import { parseDefinition } from './definition-validation';
import type { DueRule, ProcessDefinition, ProcessDefinitionInput } from './process-definition.schema';

type StepInput = ProcessDefinitionInput['steps'][number];

const afterStart = (businessDays: number): DueRule => ({ type: 'after_start', businessDays });
const beforeDeadline = (businessDaysBefore: number): DueRule => ({
  type: 'case_deadline',
  businessDaysBefore,
});
const to = (...keys: string[]) => ({ to: keys });
const END = { end: 'completed' as const };
const REJECTED = { end: 'rejected' as const };

function milestone(
  key: string,
  ru: string,
  en: string,
  due: DueRule,
  next: string | null,
  extra: Partial<StepInput> = {},
): StepInput {
  return {
    key,
    kind: 'milestone',
    title: { ru, en },
    assignee: 'coordinator',
    due,
    on: { done: next ? to(next) : END },
    ...extra,
  } as StepInput;
}

function coordinatorApproval(returnTo: string, next: string | null, onReject: 'end' | 'return'): StepInput {
  return {
    key: 'coordinator_approval',
    kind: 'approval',
    title: { ru: 'Утверждение национальным координатором', en: 'Approval by the national coordinator' },
    approvers: ['coordinator'],
    mode: 'all',
    order: 'parallel',
    due: afterStart(10),
    on: {
      approve: next ? to(next) : END,
      request_changes: { returnTo },
      reject: onReject === 'end' ? REJECTED : { returnTo },
    },
  };
}

const measure: ProcessDefinitionInput = {
  key: 'measure',
  version: 1,
  title: { ru: 'Мера национального плана действий', en: 'National action plan measure' },
  start: ['execute', 'contribute'],
  steps: [
    {
      key: 'execute',
      kind: 'task',
      title: { ru: 'Исполнение меры ведущим ведомством', en: 'Implementation by the lead agency' },
      assignee: 'lead',
      evidence: 'optional',
      due: beforeDeadline(0),
      on: { done: to('head_approval') },
    },
    {
      key: 'contribute',
      kind: 'task',
      title: { ru: 'Вклад содействующих ведомств', en: 'Contributions of the supporting agencies' },
      assignee: 'supporting',
      completion: 'all',
      required: false,
      skipIfUnassigned: true,
      due: beforeDeadline(10),
      on: { done: to('head_approval') },
    },
    {
      key: 'head_approval',
      kind: 'approval',
      title: {
        ru: 'Утверждение руководителем ведущего ведомства',
        en: 'Approval by the head of the lead agency',
      },
      join: ['execute', 'contribute'],
      approvers: ['lead'],
      mode: 'all',
      order: 'parallel',
      due: afterStart(5),
      on: {
        approve: to('coordinator_approval'),
        request_changes: { returnTo: 'execute' },
        reject: { returnTo: 'execute' },
      },
    },
    coordinatorApproval('execute', null, 'end'),
  ],
};

const consultation = (next: string): StepInput => ({
  key: 'consultation',
  kind: 'approval',
  title: { ru: 'Межведомственное согласование', en: 'Inter-agency consultation' },
  approvers: ['supporting'],
  mode: 'all',
  order: 'parallel',
  // Silence procedure: an agency that has not objected by the due date agrees.
  tacitConsent: true,
  skipIfUnassigned: true,
  due: afterStart(10),
  reminders: { beforeDue: [5, 1] },
  on: { approve: to(next), request_changes: { returnTo: 'drafting' }, reject: { returnTo: 'drafting' } },
});

const draftLaw: ProcessDefinitionInput = {
  key: 'draft_law',
  version: 1,
  title: { ru: 'Законопроект', en: 'Draft law' },
  start: ['drafting'],
  steps: [
    {
      key: 'drafting',
      kind: 'task',
      title: { ru: 'Разработка законопроекта ведущим министерством', en: 'Drafting by the lead ministry' },
      assignee: 'lead',
      evidence: 'required',
      due: afterStart(60),
      on: { done: to('consultation') },
    },
    consultation('legal_review'),
    {
      key: 'legal_review',
      kind: 'approval',
      title: {
        ru: 'Правовая экспертиза Министерства юстиции',
        en: 'Legal review by the Ministry of Justice',
      },
      approvers: ['justice'],
      mode: 'all',
      order: 'parallel',
      due: afterStart(20),
      on: {
        approve: to('government_adoption'),
        request_changes: { returnTo: 'drafting' },
        reject: { returnTo: 'drafting' },
      },
    },
    milestone(
      'government_adoption',
      'Одобрение Правительством',
      'Adopted by the Government',
      afterStart(30),
      'first_reading',
    ),
    milestone(
      'first_reading',
      'Первое чтение в Жогорку Кенеше',
      'First reading in Parliament',
      afterStart(60),
      'second_reading',
    ),
    milestone(
      'second_reading',
      'Второе чтение в Жогорку Кенеше',
      'Second reading in Parliament',
      afterStart(40),
      'third_reading',
    ),
    milestone(
      'third_reading',
      'Третье чтение в Жогорку Кенеше',
      'Third reading in Parliament',
      afterStart(40),
      'signature_publication',
    ),
    milestone(
      'signature_publication',
      'Подписание и официальное опубликование',
      'Signature and publication',
      afterStart(30),
      'entry_into_force',
    ),
    milestone('entry_into_force', 'Вступление в силу', 'Entry into force', afterStart(10), null),
  ],
};

const governmentDecision: ProcessDefinitionInput = {
  key: 'government_decision',
  version: 1,
  title: { ru: 'Проект постановления Правительства', en: 'Draft government decision' },
  start: ['drafting'],
  steps: [
    {
      key: 'drafting',
      kind: 'task',
      title: { ru: 'Разработка проекта постановления', en: 'Drafting of the decision' },
      assignee: 'lead',
      evidence: 'required',
      due: afterStart(30),
      on: { done: to('consultation') },
    },
    consultation('government_adoption'),
    milestone(
      'government_adoption',
      'Принятие постановления Правительством',
      'Adopted by the Government',
      beforeDeadline(0),
      null,
    ),
  ],
};

const assistanceRequest: ProcessDefinitionInput = {
  key: 'assistance_request',
  version: 1,
  title: { ru: 'Запрос о международной помощи', en: 'Request for international assistance' },
  start: ['drafting'],
  steps: [
    {
      key: 'drafting',
      kind: 'task',
      title: { ru: 'Подготовка запроса запрашивающим ведомством', en: 'Drafting by the requesting agency' },
      assignee: 'lead',
      evidence: 'required',
      due: afterStart(20),
      on: { done: to('coordinator_approval') },
    },
    coordinatorApproval('drafting', 'submitted_to_committee', 'end'),
    milestone(
      'submitted_to_committee',
      'Направлен в Комитет 1540',
      'Submitted to the 1540 Committee',
      afterStart(10),
      'offer_accepted',
    ),
    // Waiting for offers has no deadline: a follow-up reminder every 60 days until an offer is accepted.
    milestone(
      'offer_accepted',
      'Предложение о помощи принято',
      'Offer of assistance accepted',
      { type: 'none' },
      'delivery_started',
      {
        reminders: { followUpEveryDays: 60 },
      },
    ),
    milestone(
      'delivery_started',
      'Начало оказания помощи',
      'Delivery started',
      afterStart(60),
      'delivery_completed',
    ),
    milestone(
      'delivery_completed',
      'Помощь оказана',
      'Delivery completed',
      afterStart(120),
      'completion_report',
    ),
    {
      key: 'completion_report',
      kind: 'task',
      title: { ru: 'Отчёт о завершении', en: 'Completion report' },
      assignee: 'lead',
      evidence: 'required',
      due: afterStart(20),
      on: { done: END },
    },
  ],
};

const handover: ProcessDefinitionInput = {
  key: 'handover',
  version: 1,
  title: { ru: 'Передача полномочий между ведомствами', en: 'Handover between agencies' },
  start: ['training'],
  steps: [
    {
      key: 'training',
      kind: 'task',
      title: { ru: 'Обучение сотрудников принимающего ведомства', en: 'Training of the receiving officers' },
      assignee: 'handing_over',
      evidence: 'optional',
      due: beforeDeadline(10),
      on: { done: to('handover_date') },
    },
    {
      key: 'handover_date',
      kind: 'wait',
      title: { ru: 'Ожидание даты передачи', en: 'Waiting for the handover date' },
      required: false,
      due: beforeDeadline(0),
      on: { done: to('handover') },
    },
    {
      key: 'handover',
      kind: 'task',
      title: { ru: 'Передача (акт приёма-передачи)', en: 'Handover (transfer act)' },
      assignee: 'handing_over',
      evidence: 'required',
      due: afterStart(3),
      on: { done: to('confirmation') },
    },
    {
      key: 'confirmation',
      kind: 'approval',
      title: { ru: 'Подтверждение обоими ведомствами', en: 'Confirmation by both agencies' },
      approvers: ['handing_over', 'receiving'],
      mode: 'all',
      order: 'parallel',
      due: afterStart(5),
      on: { approve: END, request_changes: { returnTo: 'handover' }, reject: { returnTo: 'training' } },
    },
  ],
};

const peerReview: ProcessDefinitionInput = {
  key: 'peer_review',
  version: 1,
  title: { ru: 'Взаимная оценка (peer review)', en: 'Peer review' },
  start: ['launch_meeting'],
  steps: [
    milestone('launch_meeting', 'Стартовое совещание', 'Launch meeting', afterStart(20), 'visit_state_a'),
    milestone(
      'visit_state_a',
      'Визит в первое государство',
      'Visit to the first state',
      afterStart(90),
      'visit_state_b',
    ),
    milestone(
      'visit_state_b',
      'Визит во второе государство',
      'Visit to the second state',
      afterStart(60),
      'joint_report',
    ),
    {
      key: 'joint_report',
      kind: 'task',
      title: { ru: 'Совместный отчёт', en: 'Joint report' },
      assignee: ['state_a', 'state_b'],
      completion: 'any',
      evidence: 'required',
      due: afterStart(30),
      on: { done: to('states_approval') },
    },
    {
      key: 'states_approval',
      kind: 'approval',
      title: { ru: 'Одобрение отчёта обоими государствами', en: 'Approval by both states' },
      approvers: ['state_a', 'state_b'],
      mode: 'all',
      order: 'parallel',
      due: afterStart(15),
      on: {
        approve: to('shared_with_committee'),
        request_changes: { returnTo: 'joint_report' },
        reject: { returnTo: 'joint_report' },
      },
    },
    milestone(
      'shared_with_committee',
      'Передано Комитету 1540',
      'Shared with the 1540 Committee',
      afterStart(20),
      null,
    ),
  ],
};

const matrixRevision: ProcessDefinitionInput = {
  key: 'matrix_revision',
  version: 1,
  title: { ru: 'Пересмотр национальной матрицы 1540', en: 'National 1540 matrix revision' },
  start: ['draft_received'],
  steps: [
    milestone(
      'draft_received',
      'Получен проект матрицы Комитета',
      "Committee's draft matrix received",
      afterStart(10),
      'agency_review',
    ),
    {
      key: 'agency_review',
      kind: 'task',
      title: { ru: 'Проверка ведомствами своих строк матрицы', en: 'Each agency reviews its rows' },
      description: {
        ru: 'Строки по пунктам 1, 2 и 3(a)–(d), ядерное / химическое / биологическое: X, ? или NA, с правовым источником.',
        en: 'Rows of operative paragraphs 1, 2 and 3(a)–(d), nuclear / chemical / biological: X, ? or NA, with the legal source.',
      },
      assignee: ['lead', 'supporting'],
      completion: 'all',
      evidence: 'required',
      due: afterStart(20),
      on: { done: to('coordinator_approval') },
    },
    coordinatorApproval('agency_review', 'returned_to_committee', 'return'),
    milestone(
      'returned_to_committee',
      'Матрица направлена в Комитет',
      'Returned to the Committee',
      afterStart(10),
      null,
    ),
  ],
};

/** Every shipped definition, validated. */
export const SHIPPED_DEFINITIONS: readonly ProcessDefinition[] = [
  measure,
  draftLaw,
  governmentDecision,
  assistanceRequest,
  handover,
  peerReview,
  matrixRevision,
].map((d) => parseDefinition(d));

export const SHIPPED_DEFINITION_KEYS = SHIPPED_DEFINITIONS.map((d) => d.key);

/** The shipped definition of a kind (latest version unless one is given); undefined if none. */
export function getShippedDefinition(key: string, version?: number): ProcessDefinition | undefined {
  const matching = SHIPPED_DEFINITIONS.filter(
    (d) => d.key === key && (version === undefined || d.version === version),
  );
  return matching.sort((a, b) => b.version - a.version)[0];
}
