import { ConfigError, loadConfig } from './config';

const services = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/napflow',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  SMTP_URL: 'smtp://127.0.0.1:2525',
};

describe(loadConfig.name, () => {
  it('applies defaults when only the services are given', () => {
    const cfg = loadConfig(services);
    expect(cfg.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'napflow',
      taskQueue: 'napflow-cases',
      workflowBundlePath: undefined,
    });
    expect(cfg.http).toEqual({ host: '127.0.0.1', port: 3000, publicUrl: 'http://127.0.0.1:3000' });
    expect(cfg.demo).toBe(true);
    expect(cfg.auth.tokenTtlSeconds).toBe(43200);
    expect(cfg.outboxJournalDir).toBe('.data/outbox-journal');
    expect(cfg.outboxLeaseMs).toBe(180_000);
  });

  it('places the sent journal under the data dir unless told, and refuses a lease shorter than 30 s', () => {
    expect(loadConfig({ ...services, NAPFLOW_DATA_DIR: '/var/lib/napflow/' }).outboxJournalDir).toBe(
      '/var/lib/napflow/outbox-journal',
    );
    expect(loadConfig({ ...services, NAPFLOW_OUTBOX_JOURNAL_DIR: '/srv/journal' }).outboxJournalDir).toBe(
      '/srv/journal',
    );
    expect(loadConfig({ ...services, NAPFLOW_OUTBOX_LEASE_SECONDS: '45' }).outboxLeaseMs).toBe(45_000);
    expect(() => loadConfig({ ...services, NAPFLOW_OUTBOX_LEASE_SECONDS: '5' })).toThrow(
      /NAPFLOW_OUTBOX_LEASE_SECONDS/,
    );
  });

  it("leaves the worker's sticky cache to the SDK unless told, and refuses a cache of one", () => {
    expect(loadConfig(services).workerMaxCachedWorkflows).toBeUndefined();
    expect(loadConfig({ ...services, NAPFLOW_WORKER_CACHE_SIZE: '500' }).workerMaxCachedWorkflows).toBe(500);
    expect(loadConfig({ ...services, NAPFLOW_WORKER_CACHE_SIZE: '0' }).workerMaxCachedWorkflows).toBe(0);
    expect(() => loadConfig({ ...services, NAPFLOW_WORKER_CACHE_SIZE: '1' })).toThrow(
      /NAPFLOW_WORKER_CACHE_SIZE: must be 0 \(no cache\) or at least 2/,
    );
    expect(() => loadConfig({ ...services, NAPFLOW_WORKER_CACHE_SIZE: 'many' })).toThrow(
      /NAPFLOW_WORKER_CACHE_SIZE/,
    );
  });

  it("keeps the SDK's workflow stack traces off unless told", () => {
    expect(loadConfig(services).workerWorkflowStackTraces).toBe(false);
    expect(loadConfig({ ...services, NAPFLOW_WORKFLOW_STACK_TRACES: 'true' }).workerWorkflowStackTraces).toBe(
      true,
    );
    expect(() => loadConfig({ ...services, NAPFLOW_WORKFLOW_STACK_TRACES: 'sometimes' })).toThrow(
      /NAPFLOW_WORKFLOW_STACK_TRACES: must be true or false/,
    );
  });

  it("prepares the worker's statements unless told, for a pooler that cannot keep them", () => {
    expect(loadConfig(services).databasePreparedStatements).toBe(true);
    expect(
      loadConfig({ ...services, DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements,
    ).toBe(false);
    expect(() => loadConfig({ ...services, DATABASE_PREPARED_STATEMENTS: 'off' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS: must be true or false/,
    );
  });

  it('names every bad variable at once', () => {
    const call = () =>
      loadConfig({
        ...services,
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        NAPFLOW_DEMO: 'maybe',
        SMTP_URL: 'http://x',
      });
    expect(call).toThrow(ConfigError);
    try {
      call();
    } catch (e) {
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: /m);
      expect(problems).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL/m);
      expect(problems).toMatch(/^NAPFLOW_DEMO: must be true or false/m);
      expect(problems).toMatch(/^SMTP_URL: /m);
    }
  });

  it('requires the service addresses unless told otherwise', () => {
    expect(() => loadConfig({})).toThrow(
      /DATABASE_URL: not set[\s\S]*TEMPORAL_ADDRESS: not set[\s\S]*SMTP_URL: not set/,
    );
    expect(loadConfig({}, { requireServices: false }).databaseUrl).toBe('');
  });

  it('treats empty variables as unset and parses booleans', () => {
    const cfg = loadConfig({
      ...services,
      PUBLIC_URL: '',
      NAPFLOW_DEMO: 'false',
      HOST: '0.0.0.0',
      PORT: '8080',
    });
    expect(cfg.demo).toBe(false);
    expect(cfg.http.publicUrl).toBe('http://localhost:8080');
  });
});
