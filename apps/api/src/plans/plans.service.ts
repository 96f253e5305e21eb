import { Injectable } from '@nestjs/common';
import {
  AgenciesRepository,
  AlreadyExistsError,
  AuditRepository,
  type Plan,
  PlansRepository,
  StatesRepository,
} from '@app/persistence';
import { AccessScopeService } from '../common/access-scope.service';
import { auditEntry } from '../common/audit';
import { DomainErrorCode, DomainException, forbidden, invalid, notFound } from '../common/domain.exception';
import type { ApiRequest, Principal } from '../common/principal';
import type { CreatePlanDto, PlanDto, PlanWithProgressDto, SharePlanDto } from './dto/plan.dto';

@Injectable()
export class PlansService {
  constructor(
    private readonly plans: PlansRepository,
    private readonly states: StatesRepository,
    private readonly agencies: AgenciesRepository,
    private readonly audit: AuditRepository,
    private readonly scopes: AccessScopeService,
  ) {}

  async create(p: Principal, dto: CreatePlanDto, req?: ApiRequest): Promise<PlanDto> {
    if (p.role !== 'admin' && !(p.role === 'coordinator' && p.stateCode === dto.stateCode)) {
      throw forbidden('Only an administrator or the national coordinator of the state creates its plans');
    }
    if (!(await this.states.get(dto.stateCode)))
      throw invalid([{ field: 'stateCode', message: `no state ${dto.stateCode}` }]);
    try {
      const plan = await this.plans.create({
        code: dto.code,
        stateCode: dto.stateCode,
        title: dto.title,
        adoptedOn: dto.adoptedOn,
        version: dto.version ?? 1,
      });
      await this.audit.append([
        auditEntry(p, req, 'plan_created', { code: plan.code, stateCode: plan.stateCode }),
      ]);
      return toPlanDto(plan);
    } catch (err) {
      if (err instanceof AlreadyExistsError)
        throw new DomainException(DomainErrorCode.Duplicate, `Plan ${dto.code} already exists`);
      throw err;
    }
  }

  async list(p: Principal): Promise<PlanDto[]> {
    return (await this.plans.list(await this.scopes.of(p))).map(toPlanDto);
  }

  async get(p: Principal, code: string): Promise<PlanWithProgressDto> {
    const plan = await this.visible(p, code);
    const [progress, breakdowns, shares] = await Promise.all([
      this.plans.progress(plan.code),
      this.plans.breakdowns(plan.code),
      p.role === 'observer' ? [] : this.plans.shares(plan.code),
    ]);
    return {
      ...toPlanDto(plan),
      sharedWith: shares.map((s) => s.agencyCode ?? s.stateCode ?? '').filter(Boolean),
      progress: {
        cases: progress.total,
        active: progress.byStatus.active,
        completed: progress.byStatus.completed,
        rejected: progress.byStatus.rejected,
        withdrawn: progress.byStatus.withdrawn,
        overdue: progress.overdue,
        dueSoon: progress.dueSoon,
        progress: progress.averageProgress,
        byHealth: breakdowns.byHealth,
        byAgency: breakdowns.byAgency,
        byArea: breakdowns.byArea,
        holdingUp: breakdowns.holdingUp,
      },
    };
  }

  /** Lets an organisation's observers (or a peer-review partner agency) read the plan. */
  async share(p: Principal, code: string, dto: SharePlanDto, req?: ApiRequest): Promise<PlanWithProgressDto> {
    const plan = await this.writable(p, code);
    if ((await this.agencies.missing([dto.agencyCode])).length) {
      throw invalid([{ field: 'agencyCode', message: `no agency ${dto.agencyCode}` }]);
    }
    await this.plans.share(plan.code, { agencyCode: dto.agencyCode });
    await this.audit.append([
      auditEntry(p, req, 'plan_shared', { code: plan.code, agencyCode: dto.agencyCode }),
    ]);
    return this.get(p, code);
  }

  /** The plan if visible to the caller (scope in the query), else 404. */
  async visible(p: Principal, code: string): Promise<Plan> {
    const plan = await this.plans.get(code, await this.scopes.of(p));
    if (!plan) throw notFound(`Plan ${code}`);
    return plan;
  }

  /** The plan if the caller may change it (admin, or the coordinator of its state), else 403/404. */
  async writable(p: Principal, code: string): Promise<Plan> {
    const plan = await this.visible(p, code);
    if (p.role === 'admin') return plan;
    if (p.role === 'coordinator' && plan.stateCode === p.stateCode) return plan;
    throw forbidden("Only an administrator or the national coordinator of the plan's state may do this");
  }
}

export function toPlanDto(p: Plan): PlanDto {
  return {
    code: p.code,
    title: p.title,
    stateCode: p.stateCode,
    adoptedOn: p.adoptedOn ?? '',
    version: p.version,
  };
}
