import { Injectable, Logger } from '@nestjs/common';
import type { CaseCommand } from '@app/domain/engine/engine.types';
import type { CaseSnapshot } from '@app/domain/case/case.types';
import { stepTitlesOf, type ProcessDefinition, type StepOfDefinition } from '@app/domain';
import {
  AttachmentsRepository,
  AuditRepository,
  type CaseDetail,
  CasesRepository,
  type CurrentStep,
  PeopleRepository,
  PlansRepository,
} from '@app/persistence';
import { EmailOutboxRepository } from '@app/mail';
import { CaseCommandRefused, CaseWorkflowClient, CaseWorkflowNotFound } from '@app/temporal';
import { DefinitionsService } from '../admin/definitions.service';
import { AccessScopeService } from '../common/access-scope.service';
import { DomainErrorCode, DomainException, forbidden, invalid, notFound } from '../common/domain.exception';
import { isTemporalDown } from '../common/infrastructure-errors';
import { TemporalCalls } from '../common/temporal-calls.service';
import { TemporalUnavailable } from '../common/temporal-deadline';
import { actorOf, type Principal, todayOf } from '../common/principal';
import { standsInFor } from '../common/deputies';
import { resolveAttachmentRefs } from './attachment-refs';
import { assertMayAct, type CaseAction } from './case-access.policy';
import { CaseStartService, type CaseStartRequest, type StartedCaseView } from './case-start.service';
import { caseDetailFromSnapshot } from './case-view.mapper';
import type {
  CaseDetailDto,
  CaseEmailDto,
  CaseListDto,
  CaseListQueryDto,
  CaseSummaryDto,
  CurrentStepDto,
  HistoryEntryDto,
} from './dto/case.dto';
import { refusalToException } from './refusal.mapper';

/** A command as the controller hands it over: the actor is added here, from the authenticated person. */
export type CaseCommandInput = CaseCommand extends infer C
  ? C extends CaseCommand
    ? Omit<C, 'actor'>
    : never
  : never;

@Injectable()
export class CasesService {
  private readonly log = new Logger(CasesService.name);

  constructor(
    private readonly cases: CasesRepository,
    private readonly plans: PlansRepository,
    private readonly people: PeopleRepository,
    private readonly audit: AuditRepository,
    private readonly scopes: AccessScopeService,
    private readonly starter: CaseStartService,
    private readonly workflows: CaseWorkflowClient,
    private readonly calls: TemporalCalls,
    private readonly outbox: EmailOutboxRepository,
    private readonly attachments: AttachmentsRepository,
    private readonly definitions: DefinitionsService,
  ) {}

  async create(p: Principal, planCode: string, r: CaseStartRequest): Promise<StartedCaseView> {
    const plan = await this.plans.get(planCode, await this.scopes.of(p));
    if (!plan) throw notFound(`Plan ${planCode}`);
    if (p.role === 'observer' || p.role === 'focal_point')
      throw forbidden('Only the national coordinator creates cases');
    if (p.role === 'coordinator' && plan.stateCode !== p.stateCode)
      throw forbidden('Coordinators create cases only in plans of their state');
    return this.starter.start(plan, r, actorOf(p));
  }

  async list(p: Principal, q: CaseListQueryDto): Promise<CaseListDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const result = await this.cases.list(
      {
        planCode: q.plan,
        stateCode: q.state,
        agency: q.agency,
        kind: q.kind,
        status: q.status,
        overdue: q.overdue,
        dueBefore: q.dueBefore,
        dueAfter: q.dueAfter,
        area: q.area,
        text: q.text,
      },
      await this.scopes.of(p),
      { limit: pageSize, offset: (page - 1) * pageSize },
      new Date(),
      q.sort ?? 'dueOn',
    );
    const current = result.items.flatMap((c) =>
      c.currentStep ? stepsOfDefinition([c.currentStep], c.definitionKey, c.definitionVersion) : [],
    );
    const definitions = await this.definitions.namedBy(current);
    return {
      items: result.items.map((c) => ({
        id: c.id,
        workflowId: c.workflowId,
        planCode: c.planCode,
        code: c.code,
        kind: c.kind,
        title: c.title,
        stateCode: c.stateCode,
        leadAgency: c.leadAgency,
        supportingAgencies: c.supportingAgencies,
        status: c.status,
        dueOn: c.dueOn,
        progress: c.progress,
        overdue: c.overdue,
        area: areaOf(c),
        currentStep: c.currentStep && currentStepView(c.currentStep, c, definitions),
      })),
      total: result.total,
      page,
      pageSize,
    };
  }

  /** The live state from the workflow; the read model (marked stale) when Temporal cannot be reached. */
  async get(p: Principal, id: string): Promise<CaseDetailDto> {
    const row = await this.visible(p, id);
    let snapshot: CaseSnapshot;
    try {
      snapshot = await this.calls.run(() => this.workflows.getState(row.workflowId), 10_000);
    } catch (err) {
      if (err instanceof CaseWorkflowNotFound) return this.fromReadModel(row);
      if (err instanceof TemporalUnavailable || isTemporalDown(err) || isQueryUnanswered(err)) {
        this.log.warn(`case ${row.workflowId}: Temporal unavailable, answering from the read model`);
        return this.fromReadModel(row);
      }
      throw err;
    }
    return this.detailOf(snapshot, row, 'workflow');
  }

  async history(p: Principal, id: string): Promise<HistoryEntryDto[]> {
    const row = await this.visible(p, id);
    const records = await this.audit.listByCase(row.id);
    return records.map((r) => ({
      seq: r.seq ?? 0,
      at: r.at,
      type: r.type,
      ...(r.stepKey ? { stepKey: r.stepKey } : {}),
      ...(r.actorId ? { by: r.actorId } : {}),
      ...(r.actorName ? { byName: r.actorName } : {}),
      ...(r.actorAgency ? { agency: r.actorAgency } : {}),
      ...(r.actorRole ? { role: r.actorRole } : {}),
      channel: r.channel,
      ...(r.onBehalfOf ? { onBehalfOf: r.onBehalfOf } : {}),
      data: r.data,
    }));
  }

  /**
   * The emails of a case (its outbox rows), oldest first; readable by whoever may read the case. Who received them
   * (addresses, and the server's refusal, which quotes them) only for the case's own state and administrators: an
   * observer or a partner state reading a shared plan sees that mail went out, not to whom.
   */
  async emails(p: Principal, id: string): Promise<CaseEmailDto[]> {
    const row = await this.visible(p, id);
    const rows = await this.outbox.forWorkflow(row.workflowId);
    const insider = p.role === 'admin' || (p.role !== 'observer' && p.stateCode === row.stateCode);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      stepKey: r.stepKey,
      recipient: insider ? r.recipientEmail : null,
      language: r.language,
      subject: r.subject,
      status: r.status === 'sending' ? 'pending' : r.status,
      messageId: r.messageId,
      createdAt: new Date(r.createdAt).toISOString(),
      sentAt: r.sentAt ? new Date(r.sentAt).toISOString() : null,
      ...(r.status === 'failed' && insider ? { error: r.lastError ?? '' } : {}),
    }));
  }

  /** Checks access, sends the command as a workflow update (idempotent by `updateId`), returns the new state. */
  async act(p: Principal, id: string, cmd: CaseCommandInput, updateId?: string): Promise<CaseDetailDto> {
    const row = await this.visible(p, id);
    const action = actionOf(cmd);
    // Coarse check on the read model first: a forbidden caller never reaches the workflow. A focal point the read
    // model refuses may be acting on a step that has just become theirs, or as a deputy: ask the workflow itself.
    // One the read model allows needs no query: the workflow's update validator checks the agency again.
    const current = row.snapshot ?? { stateCode: row.stateCode, steps: [] };
    let acting: ReturnType<typeof assertMayAct> | undefined;
    try {
      acting = assertMayAct(p, current, action, stepKeyOf(cmd));
    } catch (err) {
      if (p.role !== 'focal_point' || action === 'comment') throw err;
    }
    if (!acting) {
      const live = await this.liveOrStored(row);
      acting = assertMayAct(p, live, action, stepKeyOf(cmd), await this.absentColleagues(p));
    }
    // A comment goes to the workflow as a signal, which cannot answer: one on a step the case does not have would be
    // dropped there after a 200 here. Every step of the definition is in the snapshot from the start.
    const commentOn = action === 'comment' ? stepKeyOf(cmd) : undefined;
    if (commentOn !== undefined) {
      const steps = row.snapshot?.steps ?? (await this.liveOrStored(row)).steps;
      if (!steps.some((st) => st.key === commentOn))
        throw new DomainException(DomainErrorCode.NotFound, `The case has no step "${commentOn}"`);
    }
    // a step handed to an agency that does not exist, or cannot see the plan, would wait for ever
    if (cmd.type === 'reassign') {
      const why = (
        await this.starter.unreachable({ code: row.planCode, stateCode: row.stateCode }, [cmd.agency])
      ).get(cmd.agency);
      if (why) throw invalid([{ field: 'agency', message: why.message }]);
    }
    // only evidence uploaded to this case may be cited (422 naming a foreign or unknown id)
    const checked: CaseCommandInput =
      cmd.type === 'complete' && cmd.attachments?.length
        ? { ...cmd, attachments: await resolveAttachmentRefs(this.attachments, row.id, cmd.attachments) }
        : cmd;
    const command = { ...checked, actor: actorOf(p, acting.onBehalfOf) } as CaseCommand;
    let snapshot: CaseSnapshot;
    try {
      snapshot = await this.calls.run(
        () => this.workflows.execute(row.workflowId, command, updateId),
        60_000,
      );
    } catch (err) {
      if (err instanceof CaseCommandRefused) throw refusalToException(err.code, err.message);
      if (err instanceof CaseWorkflowNotFound) {
        throw new DomainException(DomainErrorCode.CaseClosed, 'The case workflow is not running');
      }
      throw err;
    }
    return this.detailOf(snapshot, row, 'workflow');
  }

  /** The case if the caller may read it (the scope is in the query); 404 otherwise, also for malformed ids. */
  async visible(p: Principal, id: string): Promise<CaseDetail> {
    if (!UUID.test(id)) throw notFound(`Case ${id}`);
    const row = await this.cases.findById(id.toLowerCase(), await this.scopes.of(p));
    if (!row) throw notFound(`Case ${id}`);
    return row;
  }

  private async liveOrStored(row: CaseDetail): Promise<Pick<CaseSnapshot, 'stateCode' | 'steps'>> {
    try {
      // an action waits out a worker restart as long as the update that follows would wait for one (60 s): a
      // worker draining on SIGTERM and its successor starting took longer than 20 s under load (a 503 in the drill)
      return await this.calls.run(
        () => this.workflows.getState(row.workflowId, 55_000, { untilAnswered: true }),
        60_000,
      );
    } catch (err) {
      if (err instanceof CaseWorkflowNotFound)
        throw new DomainException(DomainErrorCode.CaseClosed, 'The case workflow is not running');
      throw err;
    }
  }

  /** The people whose deputy the caller is today (recorded as onBehalfOf when acting on their steps). */
  private async absentColleagues(p: Principal): Promise<{ personId: string; agencyCode: string }[]> {
    if (!p.stateCode) return [];
    const today = todayOf(p);
    const people = await this.people.list({ stateCode: p.stateCode });
    return people
      .filter((o) => standsInFor(o, p.personId, today))
      .map((o) => ({ personId: o.id, agencyCode: o.agencyCode }));
  }

  /** The case as its snapshot shows it, each step also named in the languages of the case's definition. */
  private async detailOf(
    s: CaseSnapshot,
    row: CaseDetail,
    source: CaseDetailDto['source'],
  ): Promise<CaseDetailDto> {
    const definitions = await this.definitions.namedBy(
      stepsOfDefinition(s.steps, s.definitionKey, s.definitionVersion),
    );
    return caseDetailFromSnapshot(s, { id: row.id, area: areaOf(row), source, definitions });
  }

  private async fromReadModel(row: CaseDetail): Promise<CaseDetailDto> {
    if (row.snapshot) return this.detailOf(row.snapshot, row, 'read_model');
    const steps = stepsOfDefinition(row.steps, row.definitionKey, row.definitionVersion);
    const definitions = await this.definitions.namedBy(steps);
    return {
      id: row.id,
      workflowId: row.workflowId,
      planCode: row.planCode,
      code: row.code,
      kind: row.kind,
      title: row.title,
      stateCode: row.stateCode,
      leadAgency: row.leadAgency,
      supportingAgencies: row.supportingAgencies,
      status: row.status,
      dueOn: row.dueOn,
      progress: row.progress,
      overdue: row.overdue,
      area: areaOf(row),
      definitionKey: row.definitionKey,
      definitionVersion: row.definitionVersion ?? 0,
      timeZone: '',
      startedAt: row.startedAt,
      closedAt: row.closedAt,
      seq: row.seq,
      steps: row.steps.map((s, i) => {
        const titles = stepTitlesOf(steps[i], definitions);
        return { ...s, ...(titles ? { titles } : {}), approval: s.approval ?? undefined };
      }),
      comments: [],
      source: 'read_model',
      stale: true,
    };
  }
}

const stepsOfDefinition = (
  steps: readonly { key: string }[],
  definitionKey: string,
  definitionVersion: number | null,
): StepOfDefinition[] => steps.map((st) => ({ stepKey: st.key, definitionKey, definitionVersion }));

function currentStepView(
  step: CurrentStep,
  c: { definitionKey: string; definitionVersion: number | null },
  definitions: ReadonlyMap<string, ProcessDefinition | undefined>,
): CurrentStepDto {
  const titles = stepTitlesOf(
    { stepKey: step.key, definitionKey: c.definitionKey, definitionVersion: c.definitionVersion },
    definitions,
  );
  return { ...step, ...(titles ? { titles } : {}) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function areaOf(c: { areaParagraph: string | null; areaWeapon: string | null }): CaseSummaryDto['area'] {
  if (!c.areaParagraph && !c.areaWeapon) return null;
  return {
    ...(c.areaParagraph ? { paragraph: c.areaParagraph } : {}),
    ...(c.areaWeapon ? { weaponType: c.areaWeapon as 'all' } : {}),
  };
}

function actionOf(cmd: CaseCommandInput): CaseAction {
  switch (cmd.type) {
    case 'complete':
    case 'milestone':
    case 'extend_due_date':
    case 'reassign':
    case 'withdraw':
    case 'comment':
      return cmd.type;
    case 'decide':
      return 'decide';
    default: {
      const never: never = cmd;
      throw new Error(`unknown command ${String(never)}`);
    }
  }
}

function stepKeyOf(cmd: CaseCommandInput): string | undefined {
  return 'stepKey' in cmd ? cmd.stepKey : undefined;
}

// A query needs a worker; without one the server answers after a deadline
function isQueryUnanswered(err: unknown): boolean {
  return err instanceof Error && /deadline|timeout|no poller/i.test(err.message);
}
