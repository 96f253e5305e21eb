import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** The API's Prometheus registry: process metrics, HTTP latency, and the email outbox backlog read at scrape time. */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'napflow_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly httpErrors = new Counter({
    name: 'napflow_http_server_errors_total',
    help: 'HTTP answers with a 5xx status, by route pattern and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'napflow_api_' });
    const registry = this.registry;
    new Gauge({
      name: 'napflow_outbox_backlog',
      help: 'Email outbox rows by status (pending and sending are the backlog; failed needs a human)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        // read at scrape time; a database outage leaves the gauge empty rather than failing the scrape
        try {
          const rows = (await dataSource.query(
            `SELECT status, count(*)::int AS n FROM email_outbox WHERE status IN ('pending', 'sending', 'failed') GROUP BY status`,
          )) as Array<{ status: string; n: number }>;
          this.reset();
          for (const status of ['pending', 'sending', 'failed'])
            this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
        } catch {
          this.reset();
        }
      },
    });
    new Gauge({
      name: 'napflow_outbox_oldest_unsent_seconds',
      help: 'Age of the oldest pending or sending outbox row (0 when none)',
      registers: [registry],
      async collect() {
        try {
          const rows = (await dataSource.query(
            `SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age FROM email_outbox WHERE status IN ('pending', 'sending')`,
          )) as Array<{ age: number }>;
          this.set(rows[0]?.age ?? 0);
        } catch {
          this.reset();
        }
      },
    });
  }
}
