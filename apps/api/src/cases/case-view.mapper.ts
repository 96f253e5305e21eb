import { DateTime } from 'luxon';
import { stepTitlesOf, type StepTitles } from '@app/domain';
import type { CaseSnapshot, StepSnapshot } from '@app/domain/case/case.types';
import type { ProcessDefinition } from '@app/domain/process/process-definition.schema';
import type { CaseDetailDto, StepDto } from './dto/case.dto';
import type { AreaDto } from './dto/create-case.dto';

/**
 * `id` is the case id of the read model (a UUID derived from the workflow id); `definitions` (by DefinitionRef id,
 * as DefinitionsService.namedBy gives them) name each step in every language of its definition.
 */
export function caseDetailFromSnapshot(
  s: CaseSnapshot,
  extra: {
    id: string;
    area: AreaDto | null | undefined;
    source: 'workflow' | 'read_model';
    definitions?: ReadonlyMap<string, ProcessDefinition | undefined>;
    now?: Date;
  },
): CaseDetailDto {
  const definitions = extra.definitions ?? new Map<string, undefined>();
  const now = extra.now ?? new Date();
  return {
    id: extra.id,
    workflowId: s.workflowId,
    planCode: s.planCode,
    code: s.caseCode,
    kind: s.kind,
    title: s.title,
    stateCode: s.stateCode,
    leadAgency: s.leadAgency,
    supportingAgencies: s.supportingAgencies,
    status: s.status,
    dueOn: s.dueOn,
    progress: s.progress,
    overdue: isOverdue(s, now),
    area: extra.area ?? null,
    definitionKey: s.definitionKey,
    definitionVersion: s.definitionVersion,
    timeZone: s.timeZone,
    startedAt: s.startedAt,
    closedAt: s.closedAt,
    seq: s.seq,
    steps: s.steps.map((st) =>
      stepView(
        st,
        stepTitlesOf(
          { stepKey: st.key, definitionKey: s.definitionKey, definitionVersion: s.definitionVersion },
          definitions,
        ),
      ),
    ),
    comments: s.comments.map((c) => ({ ...c })),
    source: extra.source,
    ...(extra.source === 'read_model' ? { stale: true } : {}),
  };
}

function stepView(st: StepSnapshot, titles: StepTitles | undefined): StepDto {
  return {
    key: st.key,
    title: st.title,
    ...(titles ? { titles } : {}),
    kind: st.kind,
    status: st.status,
    assignees: st.assignees,
    dueOn: st.dueOn,
    dueAt: st.dueAt,
    startedAt: st.startedAt,
    completedAt: st.completedAt,
    actions: st.actions.map((a) => ({
      by: a.by,
      byName: a.byName,
      agency: a.agency,
      action: a.action,
      at: a.at,
      channel: a.channel,
      onBehalfOf: a.onBehalfOf,
      note: a.note,
      date: a.date,
      ...(a.attachments?.length ? { attachments: a.attachments.map((x) => ({ ...x })) } : {}),
    })),
    ...(st.approval ? { approval: { ...st.approval } } : {}),
  };
}

/**
 * A case is overdue when it is active and past its own due instant (the midnight that ends its due date, in its
 * state's zone) or one of its active steps is past its own: the read model's cases.overdue_at (migration
 * CaseOverdueAt), which the case list, its filter, plan progress and plan health use.
 */
export function isOverdue(s: CaseSnapshot, now: Date): boolean {
  if (s.status !== 'active') return false;
  const t = now.getTime();
  if (s.dueOn !== null && DateTime.fromISO(s.dueOn, { zone: s.timeZone }).plus({ days: 1 }).toMillis() < t) {
    return true;
  }
  return s.steps.some((st) => st.status === 'active' && st.dueAt !== null && Date.parse(st.dueAt) < t);
}
