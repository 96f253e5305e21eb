import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { CaseWorkflowClient, TEMPORAL_HANDLES, type TemporalHandles } from '@app/temporal';
import { withTemporalDeadline } from './temporal-deadline';

/**
 * Every call of the API to Temporal goes through here: bounded by a gRPC deadline (so an abandoned call ends by
 * itself), answered 503 fast when the server does not answer a probe, and awaited at shutdown (the client's retry
 * timers must not fire on a closed channel).
 */
@Injectable()
export class TemporalCalls implements BeforeApplicationShutdown {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    @Inject(TEMPORAL_HANDLES) private readonly handles: TemporalHandles,
    private readonly workflows: CaseWorkflowClient,
  ) {}

  run<T>(fn: () => Promise<T>, maxMs: number): Promise<T> {
    const op = this.handles.connection.withDeadline(Date.now() + maxMs, fn);
    const settled = op.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return withTemporalDeadline(op, () => this.ping(), { maxMs });
  }

  ping(): Promise<boolean> {
    return this.handles.connection.withDeadline(Date.now() + 2000, () => this.workflows.ping());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
