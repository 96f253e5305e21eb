import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface IdempotencyRequest {
  personId: string;
  key: string;
  method: string;
  path: string;
  /** hash of the request body, so the same key with another body is refused */
  requestHash: string;
}

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; status: number; response: unknown }
  | { outcome: 'in_progress' }
  | { outcome: 'mismatch' };

/** Idempotency-Key support: the first request with a key claims it; later ones replay its answer. */
@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Atomic: of concurrent identical requests exactly one gets `claimed`. */
  async claim(req: IdempotencyRequest): Promise<IdempotencyClaim> {
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO idempotency_keys (person_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (person_id, key) DO NOTHING RETURNING key`,
      [req.personId, req.key, req.method, req.path, req.requestHash],
    );
    if (inserted.length > 0) return { outcome: 'claimed' };
    const rows = await this.dataSource.query<
      { method: string; path: string; request_hash: string; status: number | null; response: unknown }[]
    >(
      `SELECT method, path, request_hash, status, response FROM idempotency_keys WHERE person_id = $1 AND key = $2`,
      [req.personId, req.key],
    );
    const row = rows[0];
    if (!row) return this.claim(req); // released in between
    if (row.method !== req.method || row.path !== req.path || row.request_hash !== req.requestHash)
      return { outcome: 'mismatch' };
    if (row.status === null) return { outcome: 'in_progress' };
    return { outcome: 'replay', status: row.status, response: row.response };
  }

  /** Stores the first answer for replays. */
  async complete(personId: string, key: string, status: number, response: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = $3, response = $4::jsonb, completed_at = now() WHERE person_id = $1 AND key = $2`,
      [personId, key, status, JSON.stringify(response ?? null)],
    );
  }

  /** Frees a key whose first request failed before acting, so a retry may act. */
  async release(personId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE person_id = $1 AND key = $2 AND status IS NULL`,
      [personId, key],
    );
  }

  async purgeOlderThan(before: Date): Promise<number> {
    const rows = await this.dataSource.query<unknown[]>(
      `DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING key`,
      [before],
    );
    return rows.length;
  }
}
