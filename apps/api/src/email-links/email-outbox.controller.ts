import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { EmailOutboxRepository } from '@app/mail';
import { CasesRepository } from '@app/persistence';
import { CurrentPrincipal, Roles } from '../common/decorators';
import { forbidden } from '../common/domain.exception';
import type { Principal } from '../common/principal';

export class FailedEmailDto {
  @ApiProperty() notificationKey!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() workflowId!: string;
  @ApiPropertyOptional({ nullable: true, description: 'the case the email was about; null for digests' })
  caseId!: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'M-01' }) caseCode!: string | null;
  @ApiPropertyOptional({ nullable: true }) caseTitle!: string | null;
  @ApiPropertyOptional({ nullable: true }) stepKey!: string | null;
  @ApiProperty() recipient!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ description: 'the SMTP server\'s refusal, e.g. "550: 5.1.1 recipient refused"' })
  error!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) failedAt!: string;
}

/** Emails the SMTP server refused for good (5xx): the coordinator fixes the address and tells the person. */
@ApiTags('email')
@Controller('email-outbox')
export class EmailOutboxController {
  private readonly outbox: EmailOutboxRepository;

  constructor(
    dataSource: DataSource,
    private readonly cases: CasesRepository,
  ) {
    this.outbox = new EmailOutboxRepository(dataSource);
  }

  @Get('failed')
  @Roles('coordinator', 'admin')
  @ApiOperation({
    summary: 'Permanently refused emails of a state, newest first (coordinators: their own state)',
  })
  @ApiQuery({
    name: 'state',
    required: false,
    description: 'state code (administrators; coordinators get their own)',
  })
  @ApiOkResponse({ type: [FailedEmailDto] })
  async failed(@CurrentPrincipal() p: Principal, @Query('state') state?: string): Promise<FailedEmailDto[]> {
    const stateCode = p.role === 'admin' ? (state ?? p.stateCode) : p.stateCode;
    if (!stateCode) throw forbidden('Name a state: ?state=KG');
    if (p.role !== 'admin' && state && state !== p.stateCode)
      throw forbidden('Coordinators see the emails of their own state');
    const rows = await this.outbox.failedFor(stateCode);
    // the case of each row, once per workflow (at most 100 rows; a digest has no case)
    const caseOf = new Map(
      await Promise.all(
        [...new Set(rows.map((r) => r.workflowId))].map(
          async (id) => [id, await this.cases.findByWorkflowId(id)] as const,
        ),
      ),
    );
    return rows.map((r) => {
      const c = caseOf.get(r.workflowId);
      return {
        notificationKey: r.notificationKey,
        kind: r.kind,
        workflowId: r.workflowId,
        caseId: c?.id ?? null,
        caseCode: c?.code ?? null,
        caseTitle: c?.title ?? null,
        stepKey: r.stepKey,
        recipient: r.recipientEmail,
        subject: r.subject,
        error: r.lastError ?? '',
        attempts: r.attempts,
        failedAt: new Date(r.failedAt ?? r.updatedAt).toISOString(),
      };
    });
  }
}
