import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { readFile } from 'node:fs/promises';
import type { AppConfig } from '@app/config';
import { bundleNapflowWorkflows, configureWorkflowStackTraces } from '@app/temporal';
import { APP_CONFIG, WORKER_ACTIVITIES } from './worker.tokens';

/** Hosts the Temporal Worker inside the Nest application context; Nest's shutdown hooks drain it. */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(TemporalWorkerService.name);
  private worker?: Worker;
  private connection?: NativeConnection;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ACTIVITIES) private readonly activities: object,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { address, namespace, taskQueue, workflowBundlePath } = this.config.temporal;
    this.connection = await NativeConnection.connect({ address });
    // Production loads the bundle built by `npm run build`; development and tests bundle at start.
    const workflowBundle = workflowBundlePath
      ? { code: await readFile(workflowBundlePath, 'utf8') }
      : await bundleNapflowWorkflows();
    const { workerMaxCachedWorkflows, workerWorkflowStackTraces } = this.config;
    // before Worker.create: its workflow thread reads the setting when it starts (libs/temporal/src/workflow-stack-traces.ts)
    const stackTraces = configureWorkflowStackTraces(workerWorkflowStackTraces);
    if (!stackTraces.patchApplied && !workerWorkflowStackTraces)
      this.log.warn(
        'the Temporal SDK is not patched (patches/, applied by `npm install` unless scripts are ignored): workflow stack traces stay on, at about a sixth more CPU per decision',
      );
    this.worker = await Worker.create({
      connection: this.connection,
      namespace,
      taskQueue,
      workflowBundle,
      activities: this.activities,
      shutdownGraceTime: '20s',
      // One V8 context shared by every cached workflow (the SDK's default, stated because the bundle's preloaded
      // modules are shared only this way): with a context per workflow a cached case costs ~1.9 MB, not ~0.35 MB.
      reuseV8Context: true,
      // The sticky cache keeps open cases in memory between their tasks; an evicted case is replayed from its
      // history at its next timer or update. Unset, the SDK sizes it from the V8 heap limit (600 per GB above
      // 200 MB: 2,310 with a 4 GB limit), so every open case of a country's plan stays cached. Bound it
      // (NAPFLOW_WORKER_CACHE_SIZE) where memory is short.
      ...(workerMaxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: workerMaxCachedWorkflows }),
    });
    this.running = this.worker.run();
    // A crash of the worker loop must not go unnoticed: log it; the process supervisor restarts us.
    this.running.catch((err: unknown) => this.log.error(`worker stopped with an error: ${String(err)}`));
    this.log.log(
      `worker polling task queue "${taskQueue}" in namespace "${namespace}" at ${address} ` +
        `(sticky cache: ${this.worker.options.maxCachedWorkflows} workflows; ` +
        `workflow stack traces ${stackTraces.enabled ? 'on' : 'off'})`,
    );
  }

  // Before the DataSource and the SMTP pool close (onApplicationShutdown): in-flight activities still need them.
  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
  }
}
