import { join } from 'node:path';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import cookieParser from 'cookie-parser';
import { nestLogLevels, type AppConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { TemporalClientModule } from '@app/temporal';
import { AdminModule } from './admin/admin.module';
import { AgenciesModule } from './agencies/agencies.module';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { CalendarFeedsModule } from './calendar-feeds/calendar-feeds.module';
import { CasesModule } from './cases/cases.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { AppConfigModule } from './common/app-config';
import { CommonModule } from './common/common.module';
import { HousekeepingService } from './common/housekeeping.service';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { createValidationPipe } from './common/validation';
import { RefuseNulCharacterPipe } from './common/nul-character.pipe';
import { EmailLinksModule } from './email-links/email-links.module';
import { HealthModule } from './health/health.module';
import { InboxModule } from './inbox/inbox.module';
import { ApiLoggingModule } from './metrics/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PeopleModule } from './people/people.module';
import { PlansModule } from './plans/plans.module';
import { StatesModule } from './states/states.module';

/** JSON bodies above this are refused with 413 before any work. */
export const JSON_BODY_LIMIT = '256kb';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        ApiLoggingModule.forRoot(config),
        PersistenceModule.forRoot(config.databaseUrl, {
          poolSize: config.databasePoolSize,
          applicationName: 'napflow-api',
          attachmentsDir: join(config.dataDir, 'attachments'),
        }),
        CommonModule,
        TemporalClientModule.forRoot(config),
        AuthModule,
        HealthModule,
        MetricsModule,
        StatesModule,
        AgenciesModule,
        PeopleModule,
        PlansModule,
        CasesModule,
        InboxModule,
        AdminModule,
        EmailLinksModule,
        CalendarFeedsModule,
        // serves the built dashboard; its SPA fallback leaves every API path alone
        DashboardModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        // NUL first: no DTO would name it, and PostgreSQL refuses it in every text it stores
        { provide: APP_PIPE, useClass: RefuseNulCharacterPipe },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        HousekeepingService,
      ],
    };
  }
}

/** Builds the API (not yet listening): used by main.ts, the start script and the tests. */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: nestLogLevels(config.logLevel),
    bufferLogs: config.logLevel !== 'silent',
  });
  // Nest's own logs and one JSON line per request (with its id and case id) through pino.
  if (config.logLevel !== 'silent') app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: JSON_BODY_LIMIT, extended: false });
  app.use(cookieParser());
  // the filter also handles errors raised outside controllers (body parser, unknown routes)
  app.useGlobalFilters(new ProblemDetailsFilter());
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, openApiConfig(config)), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  return app;
}

function openApiConfig(config: AppConfig) {
  return new DocumentBuilder()
    .setTitle('napflow API')
    .setDescription(
      'Durable workflows for national action plans (UNSCR 1540). Errors are RFC 9457 problem details ' +
        '(application/problem+json). Writes accept an Idempotency-Key header: the same key again returns the first ' +
        'answer and acts once.',
    )
    .setVersion('1')
    .addServer(config.http.publicUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'token from POST /auth/login' }, 'bearer')
    .addCookieAuth('napflow_session', { type: 'apiKey', in: 'cookie', name: 'napflow_session' }, 'session')
    .addSecurityRequirements('bearer')
    .build();
}
