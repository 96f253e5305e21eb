import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';
import { Mail1764288000000 } from './1764288000000-Mail';
import { DashboardIndexes1764460800000 } from './1764460800000-DashboardIndexes';
import { PlanCounters1764547200000 } from './1764547200000-PlanCounters';
import { InboxCounts1764633600000 } from './1764633600000-InboxCounts';
import { CaseOverdueAt1764720000000 } from './1764720000000-CaseOverdueAt';
import { RecordCaseTransition1764806400000 } from './1764806400000-RecordCaseTransition';
import { StepsAssignedNotice1764892800000 } from './1764892800000-StepsAssignedNotice';
import { ImportHandovers1764979200000 } from './1764979200000-ImportHandovers';
import { PlanCountsGenericPlans1765065600000 } from './1765065600000-PlanCountsGenericPlans';

// Every migration, oldest first. Append new ones at the end (no globs: the bundled build and jest both load this).
export const migrations = [
  InitialSchema1764201600000,
  Mail1764288000000,
  DashboardIndexes1764460800000,
  PlanCounters1764547200000,
  InboxCounts1764633600000,
  CaseOverdueAt1764720000000,
  RecordCaseTransition1764806400000,
  StepsAssignedNotice1764892800000,
  ImportHandovers1764979200000,
  PlanCountsGenericPlans1765065600000,
];
