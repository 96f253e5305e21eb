import { z } from 'zod';

// One validated configuration for every napflow process. Unset service addresses mean "use the embedded
// default" (resolved by @app/devstack before the apps start, which then sets the variables).

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_PREPARED_STATEMENTS: bool.default(true),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('napflow'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('napflow-cases'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('napflow <napflow@napflow.example.org>'),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  SMTP_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.string().url('must be an absolute URL').optional(),
  NAPFLOW_DATA_DIR: z.string().min(1).default('.data'),
  NAPFLOW_OUTBOX_JOURNAL_DIR: z.string().min(1).optional(),
  NAPFLOW_OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(30).max(3600).default(180),
  NAPFLOW_ADMIN_EMAIL: z.string().email('must be an email address').default('admin@napflow.example.org'),
  NAPFLOW_ADMIN_PASSWORD: z.string().min(12, 'must have at least 12 characters').optional(),
  NAPFLOW_DEMO: bool.default(true),
  NAPFLOW_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(31 * 24 * 3600)
    .default(12 * 3600),
  NAPFLOW_EMAIL_LINK_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(14 * 24),
  NAPFLOW_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NAPFLOW_WORKFLOW_BUNDLE: z.string().optional(),
  NAPFLOW_WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, 'must be host:port')
    .optional(),
  NAPFLOW_WORKER_CACHE_SIZE: z.coerce
    .number()
    .int()
    .min(0)
    .refine((n) => n !== 1, 'must be 0 (no cache) or at least 2')
    .optional(),
  NAPFLOW_WORKFLOW_STACK_TRACES: bool.default(false),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  databaseUrl: string;
  databasePoolSize: number;
  /** the worker's data statements as named prepared statements (off behind PgBouncer in transaction mode < 1.21) */
  databasePreparedStatements: boolean;
  temporal: { address: string; namespace: string; taskQueue: string; workflowBundlePath?: string };
  /** host:port of the worker's Prometheus exporter for the Temporal SDK's metrics; unset = none */
  workerMetricsAddress?: string;
  /** the worker's sticky cache, in workflows (0: none); unset = the SDK's default, from the heap limit */
  workerMaxCachedWorkflows?: number;
  /**
   * the Temporal SDK's per-promise stack capture for the `__stack_trace` query (the UI's "Stack Trace" tab): off by
   * default, it costs about a sixth of a decision's CPU (docs/performance.md; patches/README.md)
   */
  workerWorkflowStackTraces: boolean;
  smtp: { url: string; from: string; poolSize: number; tlsRejectUnauthorized: boolean };
  /** the worker's sent journal (copies the SMTP server accepted, until the database records them) */
  outboxJournalDir: string;
  /** a claim on an outbox row older than this is presumed dead and taken over; keep it above the SMTP timeouts */
  outboxLeaseMs: number;
  http: { host: string; port: number; publicUrl: string };
  dataDir: string;
  admin: { email: string; password?: string };
  demo: boolean;
  auth: { tokenTtlSeconds: number; emailLinkTtlHours: number };
  logLevel: Env['NAPFLOW_LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid napflow configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Every problem is listed by variable name; nothing starts on bad config. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  opts: { requireServices?: boolean } = {},
): AppConfig {
  const parsed = envSchema.safeParse(stripEmpty(env));
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (opts.requireServices !== false) {
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL'] as const) {
      if (!e[name])
        problems.push(
          `${name}: not set (npm start sets it to the embedded default; set it to use your own service)`,
        );
    }
    if (problems.length) throw new ConfigError(problems);
  }
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL ?? '',
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? '',
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      workflowBundlePath: e.NAPFLOW_WORKFLOW_BUNDLE,
    },
    workerMetricsAddress: e.NAPFLOW_WORKER_METRICS_ADDRESS,
    workerMaxCachedWorkflows: e.NAPFLOW_WORKER_CACHE_SIZE,
    workerWorkflowStackTraces: e.NAPFLOW_WORKFLOW_STACK_TRACES,
    smtp: {
      url: e.SMTP_URL ?? '',
      from: e.SMTP_FROM,
      poolSize: e.SMTP_POOL_SIZE,
      tlsRejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED,
    },
    outboxJournalDir:
      e.NAPFLOW_OUTBOX_JOURNAL_DIR ?? `${e.NAPFLOW_DATA_DIR.replace(/\/+$/, '')}/outbox-journal`,
    outboxLeaseMs: e.NAPFLOW_OUTBOX_LEASE_SECONDS * 1000,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL ?? `http://${displayHost(e.HOST)}:${e.PORT}`,
    },
    dataDir: e.NAPFLOW_DATA_DIR,
    admin: { email: e.NAPFLOW_ADMIN_EMAIL.toLowerCase(), password: e.NAPFLOW_ADMIN_PASSWORD },
    demo: e.NAPFLOW_DEMO,
    auth: { tokenTtlSeconds: e.NAPFLOW_TOKEN_TTL_SECONDS, emailLinkTtlHours: e.NAPFLOW_EMAIL_LINK_TTL_HOURS },
    logLevel: e.NAPFLOW_LOG_LEVEL,
  };
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

// An empty variable (FOO=) means unset, as most shells and compose files intend.
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
