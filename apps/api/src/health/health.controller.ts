import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators';
import { TemporalCalls } from '../common/temporal-calls.service';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty({ enum: ['up', 'down'] }) database!: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) temporal!: 'up' | 'down';
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ description: 'seconds since the process started' }) uptime!: number;
}

const PROBE_TIMEOUT_MS = 3000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalCalls,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Liveness and the state of PostgreSQL and Temporal (always 200; status "degraded" when one is down)',
  })
  @ApiOkResponse({ type: HealthDto })
  async health(): Promise<HealthDto> {
    const [database, temporal] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1').then(() => true)),
      probe(() => this.temporal.ping()),
    ]);
    return {
      status: database && temporal ? 'ok' : 'degraded',
      database: database ? 'up' : 'down',
      temporal: temporal ? 'up' : 'down',
    };
  }

  @Get('live')
  @Public()
  @ApiOperation({
    summary: 'Liveness: the process answers (no dependency is checked, so an outage never restarts it)',
  })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok', uptime: Math.round(process.uptime()) };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary:
      'Readiness: 200 when PostgreSQL and Temporal answer, 503 otherwise (take it out of the load balancer)',
  })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({
    type: HealthDto,
    description: 'a dependency is down; the body says which',
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const health = await this.health();
    if (health.status !== 'ok') res.status(503);
    return health;
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
