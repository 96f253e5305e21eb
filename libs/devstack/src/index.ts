export { startDevStack, type DevStack, type StartDevStackOptions } from './dev-stack';
export { type DevStackLog } from './dev-stack.types';
export { DevStackError, describeStartupError } from './devstack-error';
export { startPostgres, type PostgresService, type StartPostgresOptions } from './embedded-postgres';
export { startMailboxServer, type MailboxServer } from './mailbox-page';
export { pgQuery, redactUrl } from './pg-client';
export { freePort, freePorts, isListening } from './ports';
export { projectRoot } from './project-root';
export {
  NAPFLOW_NAMESPACE,
  NAPFLOW_SEARCH_ATTRIBUTES,
  SEARCH_ATTRIBUTE_AGENCY,
  SEARCH_ATTRIBUTE_KIND,
  SEARCH_ATTRIBUTE_PLAN,
  searchAttributeArgs,
  type NapflowSearchAttributeName,
} from './search-attributes';
export {
  SmtpSink,
  parseMail,
  readMailIndex,
  type MailIndexEntry,
  type ReceivedMail,
  type SmtpFaults,
  type SmtpSinkOptions,
  type SmtpSinkStats,
} from './smtp-sink';
export { startSmtp, type SmtpService, type StartSmtpOptions } from './smtp-service';
export {
  localDevServerTestOptions,
  resolveTemporalCli,
  resolveTestServer,
  timeSkippingTestOptions,
  type ResolvedBinary,
  type ResolveOptions,
} from './temporal-binaries';
export { startTemporal, type StartTemporalOptions, type TemporalService } from './temporal-dev-server';
