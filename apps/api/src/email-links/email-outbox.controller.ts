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
import { CurrentPrincipal, Roles } from '../common/decorators';
import { forbidden } from '../common/domain.exception';
import type { Principal } from '../common/principal';

export class FailedEmailDto {
  @ApiProperty() notificationKey!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() workflowId!: string;
  @ApiPropertyOptional({ nullable: true }) stepKey!: string | null;
  @ApiProperty() recipient!: string;
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

  constructor(dataSource: DataSource) {
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
    return rows.map((r) => ({
      notificationKey: r.notificationKey,
      kind: r.kind,
      workflowId: r.workflowId,
      stepKey: r.stepKey,
      recipient: r.recipientEmail,
      error: r.lastError ?? '',
      attempts: r.attempts,
      failedAt: new Date(r.failedAt ?? r.updatedAt).toISOString(),
    }));
  }
}
