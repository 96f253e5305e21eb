// The shape of a process definition (zod 4). Cross-field and graph rules live in definition-rules.ts; this file
// only says what each field may hold, so schema errors name the bad field by path. definition-reader.ts mirrors it
// without zod for the case workflow: a change here needs the same change there (its spec compares the two).
import { z } from 'zod';
import { ISO_DATE, isRealDate, KEY } from './definition-rules';

// kept importable from here, where they used to live
export { resolveReminders, stepRoles, type ResolvedReminders } from './definition-rules';

export const localDateSchema = z
  .string()
  .regex(ISO_DATE, 'must be a local date YYYY-MM-DD')
  .refine(isRealDate, 'is not a real calendar date');

const keySchema = z.string().regex(KEY, 'must be snake_case: a-z, 0-9 and _, starting with a letter');
/** A participant role name, resolved per case from StartCaseInput (lead, supporting, coordinator, justice, ...). */
export const roleNameSchema = keySchema;

export const i18nTextSchema = z.strictObject({
  ru: z.string().trim().min(1, 'must not be empty'),
  en: z.string().trim().min(1, 'must not be empty'),
});

const businessDays = z.int().min(0).max(3650);

/** When a step is due (for a wait step: when it ends). */
export const dueRuleSchema = z.discriminatedUnion(
  'type',
  [
    /** a fixed local date */
    z.strictObject({ type: z.literal('date'), on: localDateSchema }),
    /** N business days (or N calendar days) after the step starts; exactly one of the two */
    z.strictObject({
      type: z.literal('after_start'),
      businessDays: businessDays.optional(),
      days: z.int().min(0).max(3650).optional(),
    }),
    /** N business days before the case deadline (0: on it) */
    z.strictObject({ type: z.literal('case_deadline'), businessDaysBefore: businessDays }),
    /** no due date (e.g. waiting for an outside event; follow-up reminders may still run) */
    z.strictObject({ type: z.literal('none') }),
  ],
  { error: 'type must be one of date, after_start, case_deadline, none' },
);

/** Every field optional: a step's policy overrides the definition's, which overrides the defaults. */
export const reminderPolicySchema = z.strictObject({
  /** reminders this many business days before the due date (default [14, 7, 1]) */
  beforeDue: z.array(z.int().min(1).max(365)).optional(),
  /** a notice on the morning of the due date (default true) */
  dueToday: z.boolean().optional(),
  /** a notice the first business morning after the due date (default true) */
  overdue: z.boolean().optional(),
  /** repeat the overdue notice every N business days while overdue (default 5; null: never) */
  repeatOverdueEvery: z.int().min(1).max(365).nullable().optional(),
  /** escalate to the coordinator after N business days overdue (default 5; null: never) */
  escalateAfter: z.int().min(1).max(365).nullable().optional(),
  /** second escalation level M business days after the first (default 10; null: never) */
  secondEscalationAfter: z.int().min(1).max(365).nullable().optional(),
  /** a follow-up reminder every N calendar days after the step starts while it is active (default null) */
  followUpEveryDays: z.int().min(1).max(3650).nullable().optional(),
});

/** Where a forward outcome leads: the next step(s) (several = a parallel fork), or the end of the branch. */
export const forwardTargetSchema = z.union(
  [
    z.strictObject({ to: z.array(keySchema).min(1, 'must name at least one step') }),
    z.strictObject({ end: z.literal('completed') }),
  ],
  { error: 'must be { "to": [step keys] } or { "end": "completed" }' },
);
/** A return for rework to a named earlier step. */
export const returnTargetSchema = z.strictObject({ returnTo: keySchema });
/** Rejection ends the case as rejected, or returns to an earlier step. */
export const rejectTargetSchema = z.union([
  z.strictObject({ end: z.literal('rejected') }),
  returnTargetSchema,
]);

const roleList = z.union([roleNameSchema, z.array(roleNameSchema)]);

const stepBase = {
  key: keySchema,
  title: i18nTextSchema,
  description: i18nTextSchema.optional(),
  due: dueRuleSchema,
  reminders: reminderPolicySchema.optional(),
  /** counts toward progress (default true) */
  required: z.boolean().optional(),
  /** when the assignee role resolves to no agency in a case, the step is skipped instead of refusing the case */
  skipIfUnassigned: z.boolean().optional(),
  /** a join: the step starts only after every one of these steps has led to it */
  join: z.array(keySchema).min(2, 'a join waits for at least two steps').optional(),
};

export const taskStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('task'),
  assignee: roleList,
  /** several assigned agencies: one completion is enough (any) or each must complete (all); default any */
  completion: z.enum(['any', 'all']).optional(),
  /** evidence (attachments) on completion; default optional */
  evidence: z.enum(['none', 'optional', 'required']).optional(),
  on: z.strictObject({ done: forwardTargetSchema }),
});

export const approvalStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('approval'),
  approvers: z.array(roleNameSchema),
  mode: z.enum(['all', 'any', 'n_of_m']),
  /** only for n_of_m: how many approvals are needed */
  n: z.int().min(1).optional(),
  order: z.enum(['parallel', 'sequential']),
  /** silence procedure: approvers who did not object by the due instant are recorded as agreeing */
  tacitConsent: z.boolean().optional(),
  on: z.strictObject({
    approve: forwardTargetSchema,
    request_changes: returnTargetSchema.optional(),
    reject: rejectTargetSchema,
  }),
});

export const milestoneStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('milestone'),
  /** who records it; default coordinator */
  assignee: roleList.optional(),
  on: z.strictObject({ done: forwardTargetSchema }),
});

export const waitStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('wait'),
  on: z.strictObject({ done: forwardTargetSchema }),
});

export const stepDefinitionSchema = z.discriminatedUnion(
  'kind',
  [taskStepSchema, approvalStepSchema, milestoneStepSchema, waitStepSchema],
  { error: 'kind must be one of task, approval, milestone, wait' },
);

export const processDefinitionSchema = z.strictObject({
  key: keySchema,
  version: z.int().min(1),
  title: i18nTextSchema,
  description: i18nTextSchema.optional(),
  /** the step(s) active when a case starts */
  start: z.array(keySchema).min(1, 'must name at least one start step'),
  reminders: reminderPolicySchema.optional(),
  steps: z.array(stepDefinitionSchema).min(1, 'a definition needs at least one step'),
});

export type DueRule = z.infer<typeof dueRuleSchema>;
/** Reminder rules as written in a definition (all optional); see resolveReminders. */
export type ReminderRules = z.infer<typeof reminderPolicySchema>;
export type ForwardTarget = z.infer<typeof forwardTargetSchema>;
export type ReturnTarget = z.infer<typeof returnTargetSchema>;
export type RejectTarget = z.infer<typeof rejectTargetSchema>;
export type TaskStepDefinition = z.infer<typeof taskStepSchema>;
export type ApprovalStepDefinition = z.infer<typeof approvalStepSchema>;
export type MilestoneStepDefinition = z.infer<typeof milestoneStepSchema>;
export type WaitStepDefinition = z.infer<typeof waitStepSchema>;
export type StepDefinition = z.infer<typeof stepDefinitionSchema>;
export type ProcessDefinition = z.infer<typeof processDefinitionSchema>;
/** The JSON a definition is written as (what parseDefinition accepts), same as the parsed shape. */
export type ProcessDefinitionInput = z.input<typeof processDefinitionSchema>;
