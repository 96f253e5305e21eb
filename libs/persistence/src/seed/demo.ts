// The demo dataset drawn from the 1540 peer-review note (/work/shared/seed): states, agencies, people, plans and
// cases. loadDemo writes the reference data itself and asks the caller to start each case (the API layer owns
// workflow starts). Idempotent: what exists is skipped. Dates: see README.md beside this file.
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import type { Language, Role } from '@app/domain/case/case.types';
import type { AgencyKind, Weapon } from '../entities';
import { AgenciesRepository } from '../repositories/agencies.repository';
import { CasesRepository } from '../repositories/cases.repository';
import { PeopleRepository } from '../repositories/people.repository';
import { PlansRepository } from '../repositories/plans.repository';
import { StatesRepository } from '../repositories/states.repository';

export interface DemoState {
  code: string;
  name: string;
  nameRu: string;
  timeZone: string;
  holidayCalendar: string;
}

export interface DemoAgency {
  code: string;
  name: string;
  nameRu: string;
  stateCode: string | null;
  kind: AgencyKind;
}

export interface DemoPerson {
  email: string;
  name: string;
  language: Language;
  agencyCode: string;
  role: Role;
  /** email of the deputy who stands in while this person is away */
  deputyEmail?: string;
  /** away from `awayFromDays` to `awayUntilDays` days around the load date (local dates) */
  away?: { fromDays: number; untilDays: number };
}

export interface DemoPlan {
  code: string;
  stateCode: string;
  title: string;
  /** null when the note gives no adoption date */
  adoptedOn: string | null;
  sharedWithAgencies: string[];
  sharedWithStates: string[];
}

/**
 * How the case should look on the dashboard after loading. The caller realises it after the start: `done` completes
 * the steps on the `history` dates; `escalated` lets the overdue escalation happen (due date well past);
 * `awaiting_email_decision` drives the case to its approval step so the decision email goes out.
 */
export type DemoScenario =
  'done' | 'open' | 'due_this_week' | 'overdue' | 'escalated' | 'awaiting_email_decision';

/**
 * A step the note dates, in the order the process reaches it: the caller records it (complete / milestone /
 * approve, by the agency the step waits on) with `on` as the milestone date. An approval of several agencies has one
 * entry per agency.
 */
export interface DemoHistoryEntry {
  stepKey: string;
  action: 'complete' | 'milestone' | 'approve';
  on: string;
  note: string;
}

export interface DemoCase {
  planCode: string;
  kind: string;
  code: string;
  titleEn: string;
  titleRu: string;
  leadAgency: string;
  supportingAgencies: string[];
  /** named participants of the process definition (coordinator, justice, handing_over, state_a, ...) */
  participants: Record<string, string[]>;
  area: { paragraph: string; weapon: Weapon | null } | null;
  /** a date from the note, kept as it is, or a shift in days from the load date */
  due: { on: string } | { daysFromNow: number };
  /** the note's date for a due date that was shifted (documented in README.md) */
  noteDue?: string;
  scenario: DemoScenario;
  history: DemoHistoryEntry[];
}

export interface DemoData {
  states: DemoState[];
  agencies: DemoAgency[];
  people: DemoPerson[];
  plans: DemoPlan[];
  cases: DemoCase[];
}

const KG_COORDINATION = {
  coordinator: ['KG-MOE'],
  justice: ['KG-MOJ'],
  government: ['KG-GOV'],
  parliament: ['KG-PARL'],
};

export const DEMO: DemoData = {
  states: [
    { code: 'KG', name: 'Kyrgyzstan', nameRu: 'Кыргызстан', timeZone: 'Asia/Bishkek', holidayCalendar: 'KG' },
    {
      code: 'TJ',
      name: 'Tajikistan',
      nameRu: 'Таджикистан',
      timeZone: 'Asia/Dushanbe',
      holidayCalendar: 'TJ',
    },
  ],
  agencies: [
    {
      code: 'KG-MOE',
      name: 'Ministry of Economy',
      nameRu: 'Министерство экономики',
      stateCode: 'KG',
      kind: 'ministry',
    },
    { code: 'KG-BS', name: 'Border Service', nameRu: 'Пограничная служба', stateCode: 'KG', kind: 'agency' },
    {
      code: 'KG-SEO',
      name: 'Office of State Epidemiological Oversight',
      nameRu: 'Служба государственного санитарно-эпидемиологического надзора',
      stateCode: 'KG',
      kind: 'agency',
    },
    {
      code: 'KG-SAEP',
      name: 'State Agency on Environmental Protection',
      nameRu: 'Государственное агентство охраны окружающей среды',
      stateCode: 'KG',
      kind: 'agency',
    },
    {
      code: 'KG-SCS',
      name: 'State Customs Service',
      nameRu: 'Государственная таможенная служба',
      stateCode: 'KG',
      kind: 'agency',
    },
    {
      code: 'KG-SFS',
      name: 'State Firefighter Service',
      nameRu: 'Государственная противопожарная служба',
      stateCode: 'KG',
      kind: 'agency',
    },
    {
      code: 'KG-MOJ',
      name: 'Ministry of Justice',
      nameRu: 'Министерство юстиции',
      stateCode: 'KG',
      kind: 'ministry',
    },
    {
      code: 'KG-GOV',
      name: 'Government of the Kyrgyz Republic',
      nameRu: 'Правительство Кыргызской Республики',
      stateCode: 'KG',
      kind: 'agency',
    },
    {
      code: 'KG-PARL',
      name: 'Jogorku Kenesh (Parliament)',
      nameRu: 'Жогорку Кенеш',
      stateCode: 'KG',
      kind: 'agency',
    },
    // Tajik counterparts for the peer review (the note names the state, not its agencies).
    {
      code: 'TJ-MFA',
      name: 'Ministry of Foreign Affairs',
      nameRu: 'Министерство иностранных дел',
      stateCode: 'TJ',
      kind: 'ministry',
    },
    { code: 'TJ-CS', name: 'Customs Service', nameRu: 'Таможенная служба', stateCode: 'TJ', kind: 'agency' },
    { code: 'TJ-BS', name: 'Border Troops', nameRu: 'Пограничные войска', stateCode: 'TJ', kind: 'agency' },
    {
      code: 'TJ-NRSA',
      name: 'Nuclear and Radiation Safety Agency',
      nameRu: 'Агентство по ядерной и радиационной безопасности',
      stateCode: 'TJ',
      kind: 'agency',
    },
    // International observers and the NGO network of the side event.
    {
      code: 'OSCE-CPC',
      name: 'OSCE Conflict Prevention Centre (Vienna)',
      nameRu: 'Центр ОБСЕ по предотвращению конфликтов (Вена)',
      stateCode: null,
      kind: 'international',
    },
    {
      code: 'OSCE-BISHKEK',
      name: 'OSCE Centre in Bishkek',
      nameRu: 'Центр ОБСЕ в Бишкеке',
      stateCode: null,
      kind: 'international',
    },
    {
      code: 'OSCE-DUSHANBE',
      name: 'OSCE Office in Dushanbe',
      nameRu: 'Офис ОБСЕ в Душанбе',
      stateCode: null,
      kind: 'international',
    },
    {
      code: 'UNODA',
      name: 'United Nations Office for Disarmament Affairs',
      nameRu: 'Управление ООН по вопросам разоружения',
      stateCode: null,
      kind: 'international',
    },
    {
      code: 'UN-1540',
      name: '1540 Committee and its group of experts',
      nameRu: 'Комитет 1540 и его группа экспертов',
      stateCode: null,
      kind: 'international',
    },
    {
      code: 'CA-NGO-NET',
      name: 'Central Asian NGO network on resolution 1540 (in formation)',
      nameRu: 'Центральноазиатская сеть НПО по резолюции 1540 (создаётся)',
      stateCode: null,
      kind: 'international',
    },
  ],
  // Invented people; every address is under the reserved example.org domain.
  people: [
    {
      email: 'aibek.sadykov@kg-moe.example.org',
      name: 'Айбек Садыков',
      language: 'ru',
      agencyCode: 'KG-MOE',
      role: 'coordinator',
    },
    {
      email: 'gulnara.abdieva@kg-moe.example.org',
      name: 'Гульнара Абдиева',
      language: 'ru',
      agencyCode: 'KG-MOE',
      role: 'focal_point',
    },
    {
      email: 'nurlan.toktogulov@kg-bs.example.org',
      name: 'Нурлан Токтогулов',
      language: 'ru',
      agencyCode: 'KG-BS',
      role: 'focal_point',
    },
    {
      email: 'elmira.kasymova@kg-seo.example.org',
      name: 'Эльмира Касымова',
      language: 'ru',
      agencyCode: 'KG-SEO',
      role: 'focal_point',
    },
    {
      email: 'bakyt.usenov@kg-saep.example.org',
      name: 'Бакыт Усенов',
      language: 'ru',
      agencyCode: 'KG-SAEP',
      role: 'focal_point',
    },
    {
      email: 'aizada.mamytova@kg-scs.example.org',
      name: 'Айзада Мамытова',
      language: 'ru',
      agencyCode: 'KG-SCS',
      role: 'focal_point',
    },
    {
      email: 'talant.osmonov@kg-sfs.example.org',
      name: 'Талант Осмонов',
      language: 'ru',
      agencyCode: 'KG-SFS',
      role: 'focal_point',
    },
    {
      email: 'marat.israilov@kg-moj.example.org',
      name: 'Марат Исраилов',
      language: 'ru',
      agencyCode: 'KG-MOJ',
      role: 'focal_point',
      deputyEmail: 'zhyldyz.bekova@kg-moj.example.org',
      away: { fromDays: -2, untilDays: 5 },
    },
    {
      email: 'zhyldyz.bekova@kg-moj.example.org',
      name: 'Жылдыз Бекова',
      language: 'ru',
      agencyCode: 'KG-MOJ',
      role: 'focal_point',
    },
    {
      email: 'cholpon.dzhumabaeva@kg-gov.example.org',
      name: 'Чолпон Джумабаева',
      language: 'ru',
      agencyCode: 'KG-GOV',
      role: 'focal_point',
    },
    {
      email: 'azamat.tashiev@kg-parl.example.org',
      name: 'Азамат Ташиев',
      language: 'ru',
      agencyCode: 'KG-PARL',
      role: 'focal_point',
    },
    {
      email: 'rustam.nazarov@tj-mfa.example.org',
      name: 'Рустам Назаров',
      language: 'ru',
      agencyCode: 'TJ-MFA',
      role: 'coordinator',
    },
    {
      email: 'dilnoza.rahimova@tj-mfa.example.org',
      name: 'Дилноза Рахимова',
      language: 'ru',
      agencyCode: 'TJ-MFA',
      role: 'focal_point',
    },
    {
      email: 'farrukh.karimov@tj-cs.example.org',
      name: 'Фаррух Каримов',
      language: 'ru',
      agencyCode: 'TJ-CS',
      role: 'focal_point',
    },
    {
      email: 'jamshed.saidov@tj-bs.example.org',
      name: 'Джамшед Саидов',
      language: 'ru',
      agencyCode: 'TJ-BS',
      role: 'focal_point',
    },
    {
      email: 'shahlo.mirzoeva@tj-nrsa.example.org',
      name: 'Шахло Мирзоева',
      language: 'ru',
      agencyCode: 'TJ-NRSA',
      role: 'focal_point',
    },
    {
      email: 'anna.keller@osce-cpc.example.org',
      name: 'Anna Keller',
      language: 'en',
      agencyCode: 'OSCE-CPC',
      role: 'observer',
    },
    {
      email: 'daniyar.omurov@osce-bishkek.example.org',
      name: 'Daniyar Omurov',
      language: 'ru',
      agencyCode: 'OSCE-BISHKEK',
      role: 'observer',
    },
    {
      email: 'mira.saidova@osce-dushanbe.example.org',
      name: 'Mira Saidova',
      language: 'en',
      agencyCode: 'OSCE-DUSHANBE',
      role: 'observer',
    },
    {
      email: 'james.porter@unoda.example.org',
      name: 'James Porter',
      language: 'en',
      agencyCode: 'UNODA',
      role: 'observer',
    },
    {
      email: 'expert@un-1540.example.org',
      name: '1540 Committee expert',
      language: 'en',
      agencyCode: 'UN-1540',
      role: 'observer',
    },
    // the supporting organisations of the NGO network's measure: a focal point each for their contribution, beside
    // their observers (a step that waits on an agency with no focal point emails nobody)
    {
      email: 'aigul.bekova@osce-bishkek.example.org',
      name: 'Айгуль Бекова',
      language: 'ru',
      agencyCode: 'OSCE-BISHKEK',
      role: 'focal_point',
    },
    {
      email: 'sofia.lindqvist@unoda.example.org',
      name: 'Sofia Lindqvist',
      language: 'en',
      agencyCode: 'UNODA',
      role: 'focal_point',
    },
    {
      email: 'saltanat.ermekova@ca-ngo-net.example.org',
      name: 'Салтанат Эрмекова',
      language: 'ru',
      agencyCode: 'CA-NGO-NET',
      role: 'focal_point',
    },
  ],
  plans: [
    {
      code: 'KG-NAP-2013',
      stateCode: 'KG',
      title: 'National Implementation Action Plan of the Kyrgyz Republic on UNSCR 1540 (2004)',
      adoptedOn: '2013-03-22',
      sharedWithAgencies: ['OSCE-CPC', 'OSCE-BISHKEK', 'UNODA', 'UN-1540', 'CA-NGO-NET'],
      sharedWithStates: ['TJ'],
    },
    {
      code: 'TJ-1540-PR',
      stateCode: 'TJ',
      title: 'Tajikistan: UNSCR 1540 (2004) implementation — peer review with Kyrgyzstan',
      adoptedOn: null,
      sharedWithAgencies: ['OSCE-CPC', 'OSCE-DUSHANBE', 'UNODA', 'UN-1540'],
      sharedWithStates: ['KG'],
    },
  ],
  cases: [
    {
      planCode: 'KG-NAP-2013',
      kind: 'measure',
      code: 'M-01',
      titleEn: 'National control list harmonised with the European Union lists',
      titleRu: 'Национальный контрольный список, гармонизированный со списками Европейского союза',
      leadAgency: 'KG-MOE',
      supportingAgencies: [],
      participants: KG_COORDINATION,
      area: { paragraph: 'OP3(d)', weapon: 'all' },
      due: { on: '2014-04-02' },
      scenario: 'done',
      history: [
        {
          stepKey: 'execute',
          action: 'complete',
          on: '2014-04-02',
          note: 'Control list adopted on 2 April 2014',
        },
        { stepKey: 'head_approval', action: 'approve', on: '2014-04-02', note: 'Adopted on 2 April 2014' },
        {
          stepKey: 'coordinator_approval',
          action: 'approve',
          on: '2014-04-02',
          note: 'Adopted on 2 April 2014',
        },
      ],
    },
    {
      planCode: 'KG-NAP-2013',
      kind: 'draft_law',
      code: 'LAW-01',
      titleEn:
        'Draft law "On the system of independent identification of goods and technologies in the interests of export control"',
      titleRu:
        'Проект закона «О системе независимой идентификации товаров и технологий в целях экспортного контроля»',
      leadAgency: 'KG-MOE',
      supportingAgencies: ['KG-SCS', 'KG-MOJ'],
      participants: KG_COORDINATION,
      area: { paragraph: 'OP3(d)', weapon: 'all' },
      due: { daysFromNow: 4 },
      scenario: 'due_this_week',
      history: [],
    },
    {
      planCode: 'KG-NAP-2013',
      kind: 'government_decision',
      code: 'GD-CWC',
      titleEn: 'Draft decision of the Government on implementing the Chemical Weapons Convention',
      titleRu: 'Проект постановления Правительства о реализации Конвенции о запрещении химического оружия',
      leadAgency: 'KG-MOE',
      supportingAgencies: ['KG-SAEP', 'KG-SFS', 'KG-MOJ'],
      participants: KG_COORDINATION,
      area: { paragraph: 'OP2', weapon: 'chemical' },
      due: { daysFromNow: 9 },
      scenario: 'awaiting_email_decision',
      history: [],
    },
    {
      planCode: 'KG-NAP-2013',
      kind: 'government_decision',
      code: 'GD-CPPNM',
      titleEn:
        'Draft decision of the Government on accession to the Convention on the Physical Protection of Nuclear Material',
      titleRu:
        'Проект постановления Правительства о присоединении к Конвенции о физической защите ядерного материала',
      leadAgency: 'KG-SAEP',
      supportingAgencies: ['KG-BS', 'KG-MOJ'],
      participants: KG_COORDINATION,
      area: { paragraph: 'OP3(a)', weapon: 'nuclear' },
      due: { daysFromNow: -6 },
      scenario: 'overdue',
      history: [],
    },
    {
      planCode: 'KG-NAP-2013',
      kind: 'draft_law',
      code: 'LAW-BIO',
      titleEn: 'Legislative act on biosecurity',
      titleRu: 'Нормативный правовой акт о биологической безопасности',
      leadAgency: 'KG-SEO',
      supportingAgencies: ['KG-SAEP', 'KG-MOJ'],
      participants: KG_COORDINATION,
      area: { paragraph: 'OP3(a)', weapon: 'biological' },
      due: { daysFromNow: 75 },
      scenario: 'open',
      history: [],
    },
    {
      planCode: 'KG-NAP-2013',
      kind: 'handover',
      code: 'HO-RPM',
      titleEn:
        'Control over radiation portal monitors at the Customs Union crossings: State Customs Service to Border Service',
      titleRu:
        'Передача контроля над радиационными портальными мониторами на границе с Таможенным союзом от ГТС Пограничной службе',
      leadAgency: 'KG-SCS',
      supportingAgencies: ['KG-BS'],
      participants: { ...KG_COORDINATION, handing_over: ['KG-SCS'], receiving: ['KG-BS'] },
      area: { paragraph: 'OP3(c)', weapon: 'nuclear' },
      due: { on: '2015-01-01' },
      scenario: 'done',
      history: [
        {
          stepKey: 'training',
          action: 'complete',
          on: '2014-12-18',
          note: 'Customs Service trained Border Service officers (reported at the round table)',
        },
        {
          stepKey: 'handover',
          action: 'complete',
          on: '2015-01-01',
          note: 'Control handed over from 1 January 2015',
        },
        { stepKey: 'confirmation', action: 'approve', on: '2015-01-01', note: 'Handover confirmed' },
        { stepKey: 'confirmation', action: 'approve', on: '2015-01-01', note: 'Handover confirmed' },
      ],
    },
    ...(
      [
        [
          'AR-CUSTOMS',
          'Training for customs officers in export control',
          'Обучение сотрудников таможни экспортному контролю',
          'KG-SCS',
          21,
          'open',
        ],
        [
          'AR-LAB',
          'Training for laboratory staff in identification techniques',
          'Обучение персонала лабораторий методам идентификации',
          'KG-SEO',
          35,
          'open',
        ],
        [
          'AR-EQUIP',
          'Detection and protective equipment',
          'Оборудование для обнаружения и средства защиты',
          'KG-SFS',
          -20,
          'escalated',
        ],
      ] as const
    ).map(([code, en, ru, lead, days, scenario]): DemoCase => ({
      planCode: 'KG-NAP-2013',
      kind: 'assistance_request',
      code,
      titleEn: `Request for assistance: ${en.charAt(0).toLowerCase()}${en.slice(1)}`,
      titleRu: `Запрос о помощи: ${ru.charAt(0).toLowerCase()}${ru.slice(1)}`,
      leadAgency: lead,
      supportingAgencies: ['KG-MOE'],
      participants: KG_COORDINATION,
      area: { paragraph: 'OP7', weapon: null },
      due: { daysFromNow: days },
      scenario,
      history: [
        {
          stepKey: 'drafting',
          action: 'complete',
          on: '2015-07-20',
          note: 'Request prepared with the plan of action',
        },
        {
          stepKey: 'coordinator_approval',
          action: 'approve',
          on: '2015-07-22',
          note: 'Approved for submission',
        },
        {
          stepKey: 'submitted_to_committee',
          action: 'milestone',
          on: '2015-07-25',
          note: 'Plan of action and assistance request sent to the 1540 Committee on 25 July 2015',
        },
      ],
    })),
    {
      planCode: 'KG-NAP-2013',
      kind: 'peer_review',
      code: 'PR-TJ-KG',
      titleEn: 'Peer review between Tajikistan and Kyrgyzstan on UNSCR 1540 implementation',
      titleRu: 'Взаимная оценка Таджикистана и Кыргызстана по выполнению резолюции 1540',
      leadAgency: 'KG-MOE',
      supportingAgencies: ['TJ-MFA'],
      participants: { ...KG_COORDINATION, state_a: ['KG-MOE'], state_b: ['TJ-MFA'] },
      area: { paragraph: 'OP8(c)', weapon: null },
      due: { daysFromNow: 90 },
      noteDue: '2015-06-30',
      scenario: 'open',
      history: [
        {
          stepKey: 'launch_meeting',
          action: 'milestone',
          on: '2014-12-18',
          note: 'Launch meeting, Bishkek, 16–18 December 2014',
        },
      ],
    },
    {
      planCode: 'KG-NAP-2013',
      kind: 'matrix_revision',
      code: 'MX-KG',
      titleEn: 'Revised national 1540 matrix of Kyrgyzstan',
      titleRu: 'Пересмотренная национальная матрица 1540 Кыргызстана',
      leadAgency: 'KG-MOE',
      supportingAgencies: ['KG-BS', 'KG-SCS', 'KG-SEO', 'KG-SAEP', 'KG-SFS'],
      participants: KG_COORDINATION,
      area: null,
      due: { daysFromNow: 3 },
      scenario: 'due_this_week',
      history: [],
    },
    {
      planCode: 'TJ-1540-PR',
      kind: 'matrix_revision',
      code: 'MX-TJ',
      titleEn: 'Revised national 1540 matrix of Tajikistan',
      titleRu: 'Пересмотренная национальная матрица 1540 Таджикистана',
      leadAgency: 'TJ-MFA',
      supportingAgencies: ['TJ-CS', 'TJ-BS', 'TJ-NRSA'],
      participants: { coordinator: ['TJ-MFA'] },
      area: null,
      due: { daysFromNow: 25 },
      scenario: 'open',
      history: [],
    },
    {
      planCode: 'KG-NAP-2013',
      kind: 'measure',
      code: 'M-NGO',
      titleEn:
        'Central Asian NGO network: concept, objectives and terms of reference, then a regional civil society event',
      titleRu:
        'Центральноазиатская сеть НПО: концепция, цели и круг ведения, затем региональное мероприятие гражданского общества',
      leadAgency: 'CA-NGO-NET',
      supportingAgencies: ['OSCE-BISHKEK', 'UNODA'],
      participants: KG_COORDINATION,
      area: null,
      due: { daysFromNow: 45 },
      scenario: 'open',
      history: [],
    },
  ],
};

/** What startCase receives: the case with its resolved due date and the plan's state and time zone. */
export interface DemoCaseStart extends DemoCase {
  stateCode: string;
  timeZone: string;
  /** titleEn or titleRu, by LoadDemoOptions.language */
  title: string;
  dueOn: string;
  /** the local date the demo was loaded on, in the case's state */
  loadedOn: string;
}

export interface LoadDemoOptions {
  dataSource: DataSource;
  /** starts the case workflow (and reserves its row); the API layer supplies it */
  startCase: (input: DemoCaseStart) => Promise<void>;
  now: Date;
  log: (message: string) => void;
  /** the password hash every demo person gets (null: they cannot log in until an administrator sets one) */
  passwordHash?: string | null;
  /** language of case titles (default en) */
  language?: Language;
  data?: DemoData;
}

export interface LoadDemoResult {
  states: number;
  agencies: number;
  people: number;
  plans: number;
  casesStarted: number;
  casesSkipped: number;
}

/** Local date `days` from `now` in `timeZone`. */
export function demoDate(now: Date, timeZone: string, days: number): string {
  return DateTime.fromJSDate(now).setZone(timeZone).plus({ days }).toISODate() as string;
}

/** Loads the demo data; what already exists (by key) is left as it is. */
export async function loadDemo(opts: LoadDemoOptions): Promise<LoadDemoResult> {
  const data = opts.data ?? DEMO;
  const ds = opts.dataSource;
  const states = new StatesRepository(ds);
  const agencies = new AgenciesRepository(ds);
  const people = new PeopleRepository(ds);
  const plans = new PlansRepository(ds);
  const cases = new CasesRepository(ds);
  const result: LoadDemoResult = {
    states: 0,
    agencies: 0,
    people: 0,
    plans: 0,
    casesStarted: 0,
    casesSkipped: 0,
  };

  result.states = await states.insertMissing(data.states);
  result.agencies = await agencies.insertMissing(data.agencies);

  const zoneOf = new Map(data.states.map((s) => [s.code, s.timeZone]));
  const stateOfAgency = new Map(data.agencies.map((a) => [a.code, a.stateCode]));
  for (const p of data.people) {
    if (await people.findByEmail(p.email)) continue;
    const zone = zoneOf.get(stateOfAgency.get(p.agencyCode) ?? '') ?? 'UTC';
    await people.create({
      email: p.email,
      name: p.name,
      language: p.language,
      agencyCode: p.agencyCode,
      role: p.role,
      passwordHash: opts.passwordHash ?? null,
      awayFrom: p.away ? demoDate(opts.now, zone, p.away.fromDays) : null,
      awayUntil: p.away ? demoDate(opts.now, zone, p.away.untilDays) : null,
    });
    result.people += 1;
  }
  // deputies after everyone exists
  for (const p of data.people.filter((x) => x.deputyEmail)) {
    const [person, deputy] = await Promise.all([
      people.findByEmail(p.email),
      people.findByEmail(p.deputyEmail as string),
    ]);
    if (person && deputy && person.deputyId === null) await people.update(person.id, { deputyId: deputy.id });
  }

  for (const plan of data.plans) {
    if (
      await plans.insertIfMissing({
        code: plan.code,
        stateCode: plan.stateCode,
        title: plan.title,
        adoptedOn: plan.adoptedOn,
      })
    ) {
      result.plans += 1;
    }
    for (const agencyCode of plan.sharedWithAgencies) await plans.share(plan.code, { agencyCode });
    for (const stateCode of plan.sharedWithStates) await plans.share(plan.code, { stateCode });
  }

  const planState = new Map(data.plans.map((p) => [p.code, p.stateCode]));
  for (const c of data.cases) {
    if (await cases.findByCode(c.planCode, c.code)) {
      result.casesSkipped += 1;
      continue;
    }
    const stateCode = planState.get(c.planCode) as string;
    const timeZone = zoneOf.get(stateCode) as string;
    const dueOn = 'on' in c.due ? c.due.on : demoDate(opts.now, timeZone, c.due.daysFromNow);
    await opts.startCase({
      ...c,
      stateCode,
      timeZone,
      title: (opts.language ?? 'en') === 'ru' ? c.titleRu : c.titleEn,
      dueOn,
      loadedOn: demoDate(opts.now, timeZone, 0),
    });
    result.casesStarted += 1;
    opts.log(`demo: started ${c.planCode}/${c.code} (${c.kind}, ${c.scenario}, due ${dueOn})`);
  }
  opts.log(
    `demo: ${result.states} states, ${result.agencies} agencies, ${result.people} people, ${result.plans} plans added; ` +
      `${result.casesStarted} cases started, ${result.casesSkipped} already there`,
  );
  return result;
}
