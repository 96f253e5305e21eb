import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ATTACHMENT_STORE } from './attachments/attachment-store';
import { DiskAttachmentStore } from './attachments/disk-attachment.store';
import { connectDataSource, type DataSourceOpts } from './data-source';
import { AgenciesRepository } from './repositories/agencies.repository';
import { AttachmentsRepository } from './repositories/attachments.repository';
import { AuditRepository } from './repositories/audit.repository';
import { CasesRepository } from './repositories/cases.repository';
import { DefinitionsRepository } from './repositories/definitions.repository';
import { IdempotencyRepository } from './repositories/idempotency.repository';
import { ImportHandoverRepository } from './repositories/import-handover.repository';
import { PeopleRepository } from './repositories/people.repository';
import { PlansRepository } from './repositories/plans.repository';
import { ReadModelRepository } from './repositories/read-model.repository';
import { StatesRepository } from './repositories/states.repository';
import { StepsRepository } from './repositories/steps.repository';
import { TokensRepository } from './repositories/tokens.repository';

export const REPOSITORIES = [
  StatesRepository,
  AgenciesRepository,
  PeopleRepository,
  PlansRepository,
  CasesRepository,
  StepsRepository,
  ReadModelRepository,
  AuditRepository,
  DefinitionsRepository,
  TokensRepository,
  IdempotencyRepository,
  ImportHandoverRepository,
  AttachmentsRepository,
];

export interface PersistenceModuleOptions extends DataSourceOpts {
  url: string;
  /** root folder of the disk attachment store (default .data/attachments) */
  attachmentsDir?: string;
}

const OPTIONS = Symbol('PersistenceModuleOptions');

/** Closes the one DataSource of the process when Nest shuts down (enableShutdownHooks / app.close()). */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * One DataSource per process (injectable as `DataSource`), every repository, and the attachment store
 * (`ATTACHMENT_STORE`). Global: import it once in the app module. It does not run migrations: call
 * runMigrations(url) at start-up (devstack) or in a deploy step.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(url: string, opts: Omit<PersistenceModuleOptions, 'url'> = {}): DynamicModule {
    return PersistenceModule.build([{ provide: OPTIONS, useValue: { ...opts, url } }]);
  }

  static forRootAsync(options: {
    useFactory: (...args: never[]) => PersistenceModuleOptions | Promise<PersistenceModuleOptions>;
    inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  }): DynamicModule {
    return PersistenceModule.build([
      { provide: OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
    ]);
  }

  private static build(optionProviders: Provider[]): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        ...optionProviders,
        {
          provide: DataSource,
          useFactory: (o: PersistenceModuleOptions) => connectDataSource(o.url, o),
          inject: [OPTIONS],
        },
        {
          provide: ATTACHMENT_STORE,
          useFactory: (o: PersistenceModuleOptions) => new DiskAttachmentStore(o.attachmentsDir),
          inject: [OPTIONS],
        },
        DataSourceCloser,
        ...REPOSITORIES,
      ],
      exports: [DataSource, ATTACHMENT_STORE, ...REPOSITORIES],
    };
  }
}
