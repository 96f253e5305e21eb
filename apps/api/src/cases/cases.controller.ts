import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, IdempotencyKey } from '../common/decorators';
import { Idempotent, ProblemResponses } from '../common/openapi';
import type { Principal } from '../common/principal';
import { CasesService } from './cases.service';
import { CaseDetailDto, CaseEmailDto, CaseListDto, CaseListQueryDto, HistoryEntryDto } from './dto/case.dto';
import { CaseCreatedDto, CreateCaseDto } from './dto/create-case.dto';
import {
  CommentDto,
  CompleteStepDto,
  DecisionDto,
  DueDateDto,
  MilestoneDto,
  ReassignDto,
  WithdrawDto,
} from './dto/step-action.dto';

const STEP_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

@ApiTags('cases')
@ApiBearerAuth('bearer')
@Controller()
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post('plans/:code/cases')
  @Idempotent()
  @ApiOperation({
    summary: 'Create a case in a plan and start its workflow',
    description:
      'The workflow id is the business key case:<plan>:<code>; the same plan and code again answers 409.',
  })
  @ApiParam({ name: 'code', description: 'plan code', example: 'KG-NAP-2013' })
  @ApiCreatedResponse({ type: CaseCreatedDto })
  @ApiConflictResponse({ description: 'the case exists: `existing` names it; no second workflow is started' })
  @ProblemResponses(400, 401, 403, 404, 409)
  create(
    @CurrentPrincipal() p: Principal,
    @Param('code') plan: string,
    @Body() dto: CreateCaseDto,
  ): Promise<CaseCreatedDto> {
    return this.cases.create(p, plan, {
      kind: dto.kind,
      code: dto.code,
      title: dto.title,
      leadAgency: dto.leadAgency,
      supportingAgencies: dto.supportingAgencies,
      dueOn: dto.dueOn,
      area: dto.area,
      definitionVersion: dto.definitionVersion,
      participants: dto.participants,
    });
  }

  @Get('cases')
  @ApiOperation({
    summary: 'List the cases the caller may read, filtered, sorted (default by due date) and paginated',
  })
  @ApiOkResponse({ type: CaseListDto })
  @ProblemResponses(400, 401)
  list(@CurrentPrincipal() p: Principal, @Query() q: CaseListQueryDto): Promise<CaseListDto> {
    return this.cases.list(p, q);
  }

  @Get('cases/:id')
  @ApiOperation({
    summary:
      'The live state of a case (from the workflow; from the read model, marked stale, if Temporal is down)',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ProblemResponses(401, 404)
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<CaseDetailDto> {
    return this.cases.get(p, id);
  }

  @Get('cases/:id/history')
  @ApiOperation({ summary: 'The audit trail of a case: who did what, when, by which channel' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: [HistoryEntryDto] })
  @ProblemResponses(401, 404)
  history(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<HistoryEntryDto[]> {
    return this.cases.history(p, id);
  }

  @Get('cases/:id/emails')
  @ApiOperation({
    summary: 'The emails of a case: each recipient copy of each notification, with its delivery status',
    description:
      'Oldest first. Readable by whoever may read the case. `error` is set for emails the SMTP server refused for good.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: [CaseEmailDto] })
  @ProblemResponses(401, 404)
  emails(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<CaseEmailDto[]> {
    return this.cases.emails(p, id);
  }

  @Post('cases/:id/steps/:stepKey/complete')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Complete a task step (its assigned agency, or the coordinator)' })
  @ApiOkResponse({ type: CaseDetailDto, description: 'the case after the action' })
  @ProblemResponses(400, 401, 403, 404, 409, 422)
  complete(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: CompleteStepDto,
    @IdempotencyKey() key?: string,
  ): Promise<CaseDetailDto> {
    return this.cases.act(
      p,
      id,
      { type: 'complete', stepKey: step(stepKey), note: dto.note, attachments: dto.attachments },
      key,
    );
  }

  @Post('cases/:id/steps/:stepKey/decision')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Decide on an approval step: approve, approve_with_comments, request_changes or reject',
  })
  @ApiOkResponse({ type: CaseDetailDto })
  @ProblemResponses(400, 401, 403, 404, 409, 422)
  decide(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: DecisionDto,
    @IdempotencyKey() key?: string,
  ): Promise<CaseDetailDto> {
    return this.cases.act(
      p,
      id,
      { type: 'decide', stepKey: step(stepKey), decision: dto.decision, comment: dto.comment },
      key,
    );
  }

  @Post('cases/:id/steps/:stepKey/milestone')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Record a milestone (e.g. "adopted by the Government") on the date it happened' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ProblemResponses(400, 401, 403, 404, 409, 422)
  milestone(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: MilestoneDto,
    @IdempotencyKey() key?: string,
  ): Promise<CaseDetailDto> {
    return this.cases.act(
      p,
      id,
      { type: 'milestone', stepKey: step(stepKey), on: dto.on, note: dto.note },
      key,
    );
  }

  @Post('cases/:id/steps/:stepKey/due-date')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: "Move a step's due date, with a reason (coordinator)" })
  @ApiOkResponse({ type: CaseDetailDto })
  @ProblemResponses(400, 401, 403, 404, 409, 422)
  dueDate(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: DueDateDto,
    @IdempotencyKey() key?: string,
  ): Promise<CaseDetailDto> {
    return this.cases.act(
      p,
      id,
      { type: 'extend_due_date', stepKey: step(stepKey), dueOn: dto.dueOn, reason: dto.reason },
      key,
    );
  }

  @Post('cases/:id/steps/:stepKey/reassign')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Hand a step to another agency, with a reason (coordinator)' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ProblemResponses(400, 401, 403, 404, 409, 422)
  reassign(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: ReassignDto,
    @IdempotencyKey() key?: string,
  ): Promise<CaseDetailDto> {
    return this.cases.act(
      p,
      id,
      { type: 'reassign', stepKey: step(stepKey), agency: dto.agency, reason: dto.reason },
      key,
    );
  }

  @Post('cases/:id/comments')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Comment on a case (or one of its steps)' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ProblemResponses(400, 401, 403, 404, 409)
  comment(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() dto: CommentDto,
    @IdempotencyKey() key?: string,
  ): Promise<CaseDetailDto> {
    return this.cases.act(
      p,
      id,
      { type: 'comment', text: dto.text, ...(dto.stepKey ? { stepKey: dto.stepKey } : {}) },
      key,
    );
  }

  @Post('cases/:id/withdraw')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Withdraw a case, with a reason (coordinator)' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ProblemResponses(400, 401, 403, 404, 409, 422)
  withdraw(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() dto: WithdrawDto,
    @IdempotencyKey() key?: string,
  ): Promise<CaseDetailDto> {
    return this.cases.act(p, id, { type: 'withdraw', reason: dto.reason }, key);
  }
}

function step(key: string): string {
  // a malformed step key cannot name a step: 404 like any unknown step
  if (!STEP_KEY.test(key)) return '__unknown__';
  return key;
}
