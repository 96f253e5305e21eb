import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { DigestSchedulesService } from './digest-schedules.service';
import { TemporalWorkerService } from './temporal-worker.service';
import { smtpMailerProvider, workerActivitiesProvider } from './worker-activities.provider';
import { APP_CONFIG } from './worker.tokens';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PersistenceModule.forRoot(config.databaseUrl, {
          poolSize: config.databasePoolSize,
          preparedStatements: config.databasePreparedStatements,
        }),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        smtpMailerProvider,
        workerActivitiesProvider,
        TemporalWorkerService,
        DigestSchedulesService,
      ],
    };
  }
}
