import { AccessTokenEntity } from './access-token.entity';
import { ActionPlanEntity } from './action-plan.entity';
import { AgencyEntity } from './agency.entity';
import { AttachmentEntity } from './attachment.entity';
import { AuditEventEntity } from './audit-event.entity';
import { CaseStepEntity } from './case-step.entity';
import { CaseEntity } from './case.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { NonWorkingDayEntity } from './non-working-day.entity';
import { PersonEntity } from './person.entity';
import { PlanShareEntity } from './plan-share.entity';
import { ProcessDefinitionEntity } from './process-definition.entity';
import { StateEntity } from './state.entity';
import { CalendarFeedTokenEntity } from './calendar-feed-token.entity';
import { EmailLinkTokenEntity } from './email-link-token.entity';
import { EmailLinkEntity } from './email-link.entity';
import { EmailOutboxEntity } from './email-outbox.entity';

export {
  AccessTokenEntity,
  ActionPlanEntity,
  AgencyEntity,
  AttachmentEntity,
  AuditEventEntity,
  CaseEntity,
  CaseStepEntity,
  IdempotencyKeyEntity,
  NonWorkingDayEntity,
  PersonEntity,
  PlanShareEntity,
  ProcessDefinitionEntity,
  StateEntity,
};
// mail (issue 5)
export { CalendarFeedTokenEntity, EmailLinkEntity, EmailLinkTokenEntity, EmailOutboxEntity };
export type { EmailOutboxStatus } from './email-outbox.entity';
export type { EmailLinkChoice } from './email-link.entity';
export type { CalendarFeedScope } from './calendar-feed-token.entity';
export type { AgencyKind } from './agency.entity';
export type { Weapon } from './case.entity';

// Every entity of the data source. Append new ones at the end (no globs: the bundled build and jest both load this).
export const entities = [
  StateEntity,
  AgencyEntity,
  NonWorkingDayEntity,
  PersonEntity,
  ActionPlanEntity,
  PlanShareEntity,
  CaseEntity,
  CaseStepEntity,
  AuditEventEntity,
  AttachmentEntity,
  ProcessDefinitionEntity,
  AccessTokenEntity,
  IdempotencyKeyEntity,
  EmailOutboxEntity,
  EmailLinkEntity,
  EmailLinkTokenEntity,
  CalendarFeedTokenEntity,
];
