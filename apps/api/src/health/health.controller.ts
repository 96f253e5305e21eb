import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CaseWorkflowClient } from '@app/temporal';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty({ enum: ['up', 'down'] }) database!: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) temporal!: 'up' | 'down';
}

const PROBE_TIMEOUT_MS = 3000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: CaseWorkflowClient,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and the state of PostgreSQL and Temporal (always 200; status "degraded" when one is down)' })
  @ApiOkResponse({ type: HealthDto })
  async health(): Promise<HealthDto> {
    const [database, temporal] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1').then(() => true)),
      probe(() => this.workflows.ping()),
    ]);
    return {
      status: database && temporal ? 'ok' : 'degraded',
      database: database ? 'up' : 'down',
      temporal: temporal ? 'up' : 'down',
    };
  }
}

async function probe(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
