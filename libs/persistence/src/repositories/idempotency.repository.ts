import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../sql-params';

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

/** How long a pending claim (no answer stored yet) holds its key; after that its process is presumed dead. */
export const PENDING_CLAIM_TTL_MS = 2 * 60_000;

/**
 * Idempotency-Key support: the first request with a key claims it; later ones replay its answer. A claim left
 * pending by a process that crashed before answering expires after `pendingTtlMs`: the next identical request takes
 * it over (and acts; the workflow update carries the key as its update id, so an action that did reach the workflow
 * is not applied twice). While pending, `created_at` is the time of the current claim.
 */
@Injectable()
export class IdempotencyRepository {
  readonly pendingTtlMs: number = PENDING_CLAIM_TTL_MS;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Atomic: of concurrent identical requests exactly one gets `claimed`, also when taking over an expired claim. */
  async claim(req: IdempotencyRequest, now: Date = new Date()): Promise<IdempotencyClaim> {
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO idempotency_keys (person_id, key, method, path, request_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (person_id, key) DO NOTHING RETURNING key`,
      [req.personId, req.key, req.method, req.path, req.requestHash, now],
    );
    if (inserted.length > 0) return { outcome: 'claimed' };
    // an identical request whose claim is pending past its expiry: take it over (one taker wins the row lock;
    // the others see the renewed created_at when the WHERE is re-checked)
    const taken = returnedRows(
      await this.dataSource.query<unknown>(
        `UPDATE idempotency_keys SET created_at = $6
        WHERE person_id = $1 AND key = $2 AND method = $3 AND path = $4 AND request_hash = $5
          AND status IS NULL AND created_at < $6::timestamptz - make_interval(secs => $7::double precision / 1000)
        RETURNING key`,
        [req.personId, req.key, req.method, req.path, req.requestHash, now, this.pendingTtlMs],
      ),
    );
    if (taken.length > 0) return { outcome: 'claimed' };
    const rows = await this.dataSource.query<
      { method: string; path: string; request_hash: string; status: number | null; response: unknown }[]
    >(
      `SELECT method, path, request_hash, status, response FROM idempotency_keys WHERE person_id = $1 AND key = $2`,
      [req.personId, req.key],
    );
    const row = rows[0];
    if (!row) return this.claim(req, now); // released in between
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
    const rows = returnedRows(
      await this.dataSource.query<unknown>(
        `DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING key`,
        [before],
      ),
    );
    return rows.length;
  }
}
