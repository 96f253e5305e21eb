import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IdempotencyRepository, ImportHandoverRepository, TokensRepository } from '@app/persistence';

/** Idempotency-Keys are honoured for a day: a repeat after that acts again (as most APIs that take the header). */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 3_600_000;
/** Expired sessions are kept a week (who was signed in when, for an inquiry), then deleted. */
export const EXPIRED_TOKEN_RETENTION_MS = 7 * 24 * 3_600_000;
/** An import's handover (its cases' first steps, migration ImportHandovers) is kept a week after its emails went out. */
export const CLOSED_HANDOVER_RETENTION_MS = 7 * 24 * 3_600_000;
const EVERY_MS = 3_600_000;

/**
 * Deletes what the API keeps only for a while: Idempotency-Keys with their stored answers, sessions long
 * expired, and imports' handovers a week after they closed. Once at start and then hourly; every API instance may run it (the deletes are idempotent).
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Housekeeping');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly tokens: TokensRepository,
    private readonly handovers: ImportHandoverRepository,
  ) {}

  onApplicationBootstrap(): void {
    const run = () =>
      this.runOnce().catch((err: unknown) =>
        this.log.warn(`housekeeping failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    void run();
    this.timer = setInterval(() => void run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async runOnce(
    now: Date = new Date(),
  ): Promise<{ idempotencyKeys: number; tokens: number; importHandovers: number }> {
    const idempotencyKeys = await this.keys.purgeOlderThan(
      new Date(now.getTime() - IDEMPOTENCY_KEY_RETENTION_MS),
    );
    const tokens = await this.tokens.purgeExpired(new Date(now.getTime() - EXPIRED_TOKEN_RETENTION_MS));
    const importHandovers = await this.handovers.purgeClosedBefore(
      new Date(now.getTime() - CLOSED_HANDOVER_RETENTION_MS),
    );
    if (idempotencyKeys + tokens + importHandovers > 0)
      this.log.log(
        `deleted ${idempotencyKeys} Idempotency-Keys older than a day, ${tokens} long-expired sessions, ` +
          `${importHandovers} imports' handovers closed a week ago`,
      );
    return { idempotencyKeys, tokens, importHandovers };
  }
}
