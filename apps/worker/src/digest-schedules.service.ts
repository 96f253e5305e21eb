import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { digestScheduleTargets, ensureDigestSchedules } from '@app/activities/digest.activities';
import { APP_CONFIG } from './worker.tokens';

/**
 * Creates or updates the weekly digest Schedule of every agency (Monday 09:00 in its state's time zone) when the
 * worker starts. Idempotent: an existing schedule is updated. Agencies added later get theirs at the next start.
 */
@Injectable()
export class DigestSchedulesService implements OnApplicationBootstrap {
  private readonly log = new Logger(DigestSchedulesService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { address, namespace, taskQueue } = this.config.temporal;
    const connection = await Connection.connect({ address });
    try {
      const targets = await digestScheduleTargets(this.dataSource);
      const result = await ensureDigestSchedules(new Client({ connection, namespace }), targets, {
        taskQueue,
      });
      this.log.log(
        `weekly digests: ${result.created.length} schedules created, ${result.updated.length} updated`,
      );
    } catch (err) {
      // Digests are a convenience: a failure here must not keep case workflows from running.
      this.log.warn(
        `weekly digest schedules not ensured: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      await connection.close();
    }
  }
}
