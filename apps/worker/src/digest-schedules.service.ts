import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { DigestScheduleKeeper, digestScheduleTargets } from '@app/activities/digest.activities';
import { APP_CONFIG } from './worker.tokens';

/** How often the worker looks for agencies without a digest schedule (added, or moved to another time zone). */
export const DIGEST_SCHEDULES_RESCAN_MS = 5 * 60_000;

/**
 * Keeps the weekly digest Schedule of every agency (Monday 09:00 in its state's time zone): all of them when the
 * worker starts (an existing schedule is updated), then every few minutes the agencies added since. Digests are a
 * convenience: a failure here is logged and retried at the next pass, and never keeps case workflows from running.
 */
@Injectable()
export class DigestSchedulesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(DigestSchedulesService.name);
  private connection?: Connection;
  private keeper?: DigestScheduleKeeper;
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync(true);
    this.timer = setInterval(() => void this.sync(false), DIGEST_SCHEDULES_RESCAN_MS);
    this.timer.unref();
  }

  /** One pass; a pass still running (a slow Temporal) is not doubled. */
  sync(first: boolean): Promise<void> {
    this.pass ??= this.ensure(first).finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async ensure(first: boolean): Promise<void> {
    try {
      if (!this.keeper) {
        const { address, namespace, taskQueue } = this.config.temporal;
        this.connection = await Connection.connect({ address });
        this.keeper = new DigestScheduleKeeper(
          new Client({ connection: this.connection, namespace }),
          () => digestScheduleTargets(this.dataSource),
          { taskQueue },
        );
      }
      const result = await this.keeper.sync();
      if (first || result.created.length || result.updated.length)
        this.log.log(
          `weekly digests: ${result.created.length} schedules created, ${result.updated.length} updated`,
        );
    } catch (err) {
      this.log.warn(
        `weekly digest schedules not ensured (next try in ${DIGEST_SCHEDULES_RESCAN_MS / 60_000} min): ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // a pass waiting for an unreachable database or Temporal must not hold up the shutdown
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([this.pass, new Promise((resolve) => (bound = setTimeout(resolve, 5_000)))]);
    clearTimeout(bound);
    await this.connection?.close().catch(() => undefined);
  }
}
