import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PeopleRepository, StepsRepository } from '@app/persistence';
import { AccessScopeService } from '../common/access-scope.service';
import { CurrentPrincipal } from '../common/decorators';
import { ProblemResponses } from '../common/openapi';
import type { Principal } from '../common/principal';
import { InboxDto, InboxQueryDto } from './inbox.dto';

@ApiTags('cases')
@ApiBearerAuth('bearer')
@Controller('inbox')
export class InboxController {
  constructor(
    private readonly steps: StepsRepository,
    private readonly people: PeopleRepository,
    private readonly scopes: AccessScopeService,
  ) {}

  @Get()
  @ApiOperation({
    summary: "The open steps waiting on the caller's agency",
    description:
      'Includes the steps of colleagues the caller stands in for today; coordinators also see coordinator steps.',
  })
  @ApiOkResponse({ type: InboxDto })
  @ProblemResponses(400, 401)
  async inbox(@CurrentPrincipal() p: Principal, @Query() q: InboxQueryDto): Promise<InboxDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    if (p.role === 'observer') return { items: [], total: 0, page, pageSize };
    const agencies = new Set([p.agencyCode]);
    if (p.role === 'coordinator' || p.role === 'admin') agencies.add('coordinator');
    if (p.stateCode) {
      const today = new Date().toISOString().slice(0, 10);
      for (const o of await this.people.list({ stateCode: p.stateCode })) {
        if (
          o.deputyId === p.personId &&
          o.awayFrom !== null &&
          o.awayFrom <= today &&
          (o.awayUntil === null || o.awayUntil >= today)
        ) {
          agencies.add(o.agencyCode);
        }
      }
    }
    const result = await this.steps.inbox([...agencies], await this.scopes.of(p), {
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return {
      items: result.items.map((i) => ({
        caseId: i.caseId,
        caseCode: i.caseCode,
        caseTitle: i.caseTitle,
        caseKind: i.caseKind,
        planCode: i.planCode,
        stateCode: i.stateCode,
        stepKey: i.stepKey,
        stepTitle: i.stepTitle,
        stepKind: i.stepKind,
        assignees: i.assignees,
        dueOn: i.dueOn,
        dueAt: i.dueAt,
        overdue: i.overdue,
        startedAt: i.startedAt,
      })),
      total: result.total,
      page,
      pageSize,
    };
  }
}
