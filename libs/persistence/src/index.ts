// @app/persistence: PostgreSQL through TypeORM 0.3 — data source, migrations, repositories, demo data.
export {
  createDataSource,
  connectDataSource,
  runMigrations,
  revertMigrations,
  type DataSourceOpts,
} from './data-source';
export * from './entities';
export { migrations } from './migrations';
export { PersistenceModule, REPOSITORIES, type PersistenceModuleOptions } from './persistence.module';
export { type AccessScope, ADMIN_SCOPE, scopeCondition } from './access-scope';
export { returnedRows } from './sql-params';
export {
  AlreadyExistsError,
  ReferenceNotFoundError,
  isUniqueViolation,
  isForeignKeyViolation,
} from './persistence.errors';
export { type AttachmentStore, type StoredObject, ATTACHMENT_STORE } from './attachments/attachment-store';
export { DiskAttachmentStore } from './attachments/disk-attachment.store';
export { StatesRepository, type NewState, type NonWorkingDay } from './repositories/states.repository';
export { AgenciesRepository, type NewAgency } from './repositories/agencies.repository';
export {
  PeopleRepository,
  normaliseEmail,
  type NewPerson,
  type Person,
  type PersonPatch,
  type Recipient,
} from './repositories/people.repository';
export {
  PlansRepository,
  type HealthCounts,
  type PlanBreakdowns,
  type NewPlan,
  type Plan,
  type PlanProgress,
  type PlanShare,
} from './repositories/plans.repository';
export {
  CasesRepository,
  CASE_SORT_KEYS,
  caseIdForWorkflow,
  type CaseSort,
  type CaseSortKey,
  type CaseDetail,
  type CaseFilters,
  type CaseStep,
  type CaseSummary,
  type CaseListItem,
  type CurrentStep,
  type NewCase,
  type NotificationSubject,
  type Page,
  type PageRequest,
} from './repositories/cases.repository';
export { StepsRepository, type InboxItem, type OpenStep } from './repositories/steps.repository';
export {
  ReadModelRepository,
  type ImportHandover,
  type TransitionResult,
} from './repositories/read-model.repository';
export { ImportHandoverRepository, type HandedOverCase } from './repositories/import-handover.repository';
export {
  AuditRepository,
  auditEntryFromCaseEvent,
  type AuditEntry,
  type AuditRecord,
  type ChainVerification,
} from './repositories/audit.repository';
export { DefinitionsRepository, type StoredDefinition } from './repositories/definitions.repository';
export { TokensRepository, hashToken, type TokenSession } from './repositories/tokens.repository';
export {
  IdempotencyRepository,
  type IdempotencyClaim,
  type IdempotencyRequest,
} from './repositories/idempotency.repository';
export { AttachmentsRepository, type AttachmentMeta } from './repositories/attachments.repository';
export {
  loadDemo,
  demoDate,
  DEMO,
  type DemoAgency,
  type DemoCase,
  type DemoCaseStart,
  type DemoData,
  type DemoHistoryEntry,
  type DemoPerson,
  type DemoPlan,
  type DemoScenario,
  type DemoState,
  type LoadDemoOptions,
  type LoadDemoResult,
} from './seed/demo';
