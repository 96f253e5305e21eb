import type { Provider } from '@nestjs/common';
import { log as activityLog } from '@temporalio/activity';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { EmailOutboxRepository, FileSentJournal, RecipientDirectory, SmtpMailer } from '@app/mail';
import { createCalendarActivities } from '@app/activities/calendar.activities';
import {
  createDigestActivitiesFromDataSource,
  type DigestActivities,
} from '@app/activities/digest.activities';
import { createNotifyActivities } from '@app/activities/notify.activities';
import { createCalendarDataSources, createProjectionActivities } from '@app/activities/projection.activities';
import type { CaseActivities } from '@app/activities/contracts';
import { APP_CONFIG, WORKER_ACTIVITIES } from './worker.tokens';

/** The SMTP transport of the worker: one pooled transport per process, closed on shutdown. */
export const SMTP_MAILER = Symbol('SMTP_MAILER');

export const smtpMailerProvider: Provider = {
  provide: SMTP_MAILER,
  useFactory: (config: AppConfig) =>
    new SmtpMailer({
      url: config.smtp.url,
      from: config.smtp.from,
      poolSize: config.smtp.poolSize,
      tls: { rejectUnauthorized: config.smtp.tlsRejectUnauthorized },
    }),
  inject: [APP_CONFIG],
};

/** Every activity the worker registers, built by the activity factories from Nest-managed dependencies. */
export const workerActivitiesProvider: Provider = {
  provide: WORKER_ACTIVITIES,
  useFactory: (
    config: AppConfig,
    dataSource: DataSource,
    mailer: SmtpMailer,
  ): CaseActivities & DigestActivities => ({
    ...createProjectionActivities({ dataSource }),
    ...createCalendarActivities(createCalendarDataSources({ dataSource })),
    ...createNotifyActivities({
      outbox: new EmailOutboxRepository(dataSource, config.outboxLeaseMs),
      mailer,
      directory: RecipientDirectory.fromDataSource(dataSource),
      publicUrl: config.http.publicUrl,
      linkTtlHours: config.auth.emailLinkTtlHours,
      from: config.smtp.from,
      journal: new FileSentJournal(config.outboxJournalDir),
      // the activity context's logger: each line carries the workflow and activity ids
      log: {
        info: (msg, meta) => activityLog.info(msg, meta as Record<string, unknown> | undefined),
        warn: (msg, meta) => activityLog.warn(msg, meta as Record<string, unknown> | undefined),
      },
    }),
    ...createDigestActivitiesFromDataSource(dataSource),
  }),
  inject: [APP_CONFIG, DataSource, SMTP_MAILER],
};
