import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Connection } from '@temporalio/client';
import type { AppConfig } from '@app/config';
import { CaseWorkflowClient } from './case-workflow.client';
import { createTemporalClient, type TemporalHandles } from './temporal-connection';

export const TEMPORAL_HANDLES = Symbol('TEMPORAL_HANDLES');

class TemporalConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_HANDLES) private readonly handles: TemporalHandles) {}
  async onApplicationShutdown(): Promise<void> {
    await (this.handles.connection as Connection).close();
  }
}

/** Provides the Temporal client and the typed CaseWorkflowClient to the API. */
@Global()
@Module({})
export class TemporalClientModule {
  static forRoot(config: Pick<AppConfig, 'temporal'>): DynamicModule {
    return {
      module: TemporalClientModule,
      providers: [
        { provide: TEMPORAL_HANDLES, useFactory: () => createTemporalClient(config) },
        {
          provide: CaseWorkflowClient,
          useFactory: (h: TemporalHandles) => new CaseWorkflowClient(h.client, config.temporal.taskQueue),
          inject: [TEMPORAL_HANDLES],
        },
        TemporalConnectionCloser,
      ],
      exports: [TEMPORAL_HANDLES, CaseWorkflowClient],
    };
  }
}
