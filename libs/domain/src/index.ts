// @app/domain: pure, deterministic domain code shared by workflows, activities and apps.
// (The holiday resolver is NOT exported here: it pulls in date-holidays; import '@app/domain/holidays' outside workflows.)

// Business calendars and reminder timing
export {
  type BusinessCalendar,
  NOTICE_HOUR,
  END_OF_BUSINESS_HOUR,
  assertBusinessCalendar,
  isBusinessDay,
  nextBusinessDay,
  previousBusinessDay,
  addBusinessDays,
  businessDaysBetween,
  localDate,
  localInstant,
  effectiveDueDate,
  dueInstant,
} from './calendar/business-calendar';
export {
  type ReminderPolicy,
  type NoticeKind,
  type NoticeSlot,
  type StepTiming,
  DEFAULT_REMINDER_POLICY,
  reminderPolicyProblems,
  nextNotice,
  upcomingNotices,
} from './calendar/reminder-policy';
export { isValidDate } from './calendar/civil-date';

// Process definitions: schema, validation, the shipped definitions
export {
  type ProcessDefinition,
  type ProcessDefinitionInput,
  type StepDefinition,
  type TaskStepDefinition,
  type ApprovalStepDefinition,
  type MilestoneStepDefinition,
  type WaitStepDefinition,
  type DueRule,
  type ReminderRules,
  type ResolvedReminders,
  processDefinitionSchema,
  resolveReminders,
  stepRoles,
} from './process/process-definition.schema';
export {
  type DefinitionIssue,
  type DefinitionCheck,
  DefinitionError,
  parseDefinition,
  checkDefinition,
} from './process/definition-validation';
export {
  SHIPPED_DEFINITIONS,
  SHIPPED_DEFINITION_KEYS,
  getShippedDefinition,
} from './process/shipped-definitions';
export {
  type StepTitles,
  type StepOfDefinition,
  type DefinitionRef,
  definitionId,
  definitionsNamedBy,
  stepTitlesOf,
  stepTitleIn,
} from './process/step-titles';

// The case engine: the pure reducer the case workflow runs
export {
  type EngineCalendar,
  type EngineContext,
  type CaseCommand,
  type CaseState,
  type StepState,
  type EngineResult,
  type RefusalCode,
  CommandRefused,
} from './engine/engine.types';
export {
  COORDINATOR_SLOT,
  startCase,
  validateCommand,
  applyCommand,
  nextWakeUp,
  onTime,
  toSnapshot,
  isClosed,
  startInputProblems,
} from './engine/case-engine';
export { type StartPreview, type OverdueAtStart, previewStart } from './engine/start-preview';
export { calendarYearsNeeded } from './calendar/calendar-span';
