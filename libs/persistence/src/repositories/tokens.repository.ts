import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PERSON_COLUMNS, type Person, type PersonRow, toPerson } from './people.repository';
import { sharedPlanCodesQuery } from './plans.repository';
import { returnedRows } from '../sql-params';

/** A fresh random bearer token (only its hash is ever stored) and when it expires. */
function newToken(ttlMs: number, now: Date): { token: string; expiresAt: Date } {
  return { token: randomBytes(32).toString('base64url'), expiresAt: new Date(now.getTime() + ttlMs) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Who a valid token authenticates, and the plans shared with their agency or state (none for admins). */
export interface TokenSession {
  person: Person;
  sharedPlanCodes: string[];
  /** the IANA time zone of the person's state (null for international organisations and global admins) */
  stateTimeZone: string | null;
}

/** Bearer tokens: the raw token is returned once and only its sha256 is stored. */
@Injectable()
export class TokensRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async issue(
    personId: string,
    ttlMs: number,
    now: Date = new Date(),
  ): Promise<{ token: string; expiresAt: Date }> {
    const { token, expiresAt } = newToken(ttlMs, now);
    await this.dataSource.query(
      `INSERT INTO access_tokens (token_hash, person_id, expires_at, created_at) VALUES ($1, $2, $3, $4)`,
      [hashToken(token), personId, expiresAt, now],
    );
    return { token, expiresAt };
  }

  /**
   * A token for a sign-in whose password was checked against `checkedPasswordHash`: issued only if that is still
   * the person's password and the account is active (null otherwise). A password set by an administrator while the
   * (slow) check ran revokes the person's tokens after it is stored: without this test, a session opened with the old
   * password in between would survive. The person's row is read locked (FOR SHARE): a change in progress is waited
   * for and then seen, and a change that comes after waits for the token to be stored, so its revocation finds it.
   */
  async issueIfPasswordUnchanged(
    personId: string,
    checkedPasswordHash: string,
    ttlMs: number,
    now: Date = new Date(),
  ): Promise<{ token: string; expiresAt: Date } | null> {
    const { token, expiresAt } = newToken(ttlMs, now);
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO access_tokens (token_hash, person_id, expires_at, created_at)
       SELECT $1, p.id, $3, $4 FROM people p WHERE p.id = $2 AND p.password_hash = $5 AND p.active
       FOR SHARE
       RETURNING token_hash`,
      [hashToken(token), personId, expiresAt, now, checkedPasswordHash],
    );
    return rows.length > 0 ? { token, expiresAt } : null;
  }

  /**
   * The person a valid token (not expired, not revoked, its person active) belongs to, with the plan codes of their
   * access scope (the query of PlansRepository.sharedPlanCodesFor), in one statement: every authenticated request runs it.
   */
  async resolveSession(tokenHash: string, now: Date = new Date()): Promise<TokenSession | null> {
    const rows = await this.dataSource.query<
      (PersonRow & { shared_plan_codes: string[]; state_time_zone: string | null })[]
    >(
      `SELECT ${PERSON_COLUMNS},
              CASE WHEN p.role = 'admin' THEN '{}'::text[]
                   ELSE ARRAY(${sharedPlanCodesQuery('p.agency_code', 'a.state_code')})
              END AS shared_plan_codes,
              (SELECT st.time_zone FROM states st WHERE st.code = a.state_code) AS state_time_zone
       FROM access_tokens t JOIN people p ON p.id = t.person_id JOIN agencies a ON a.code = p.agency_code
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND p.active`,
      [tokenHash, now],
    );
    return rows[0]
      ? {
          person: toPerson(rows[0]),
          sharedPlanCodes: rows[0].shared_plan_codes,
          stateTimeZone: rows[0].state_time_zone,
        }
      : null;
  }

  async revoke(token: string, now: Date = new Date()): Promise<boolean> {
    const rows = returnedRows(
      await this.dataSource.query<unknown>(
        `UPDATE access_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING token_hash`,
        [hashToken(token), now],
      ),
    );
    return rows.length > 0;
  }

  /**
   * Revokes every live token of the person, except the one whose hash starts with `keepTokenId` (the caller's own
   * session, when people change their own password). Returns how many were revoked.
   */
  async revokeAllFor(personId: string, now: Date = new Date(), keepTokenId?: string): Promise<number> {
    const rows = returnedRows(
      await this.dataSource.query<unknown>(
        `UPDATE access_tokens SET revoked_at = $2
        WHERE person_id = $1 AND revoked_at IS NULL AND ($3::text IS NULL OR NOT starts_with(token_hash, $3))
        RETURNING token_hash`,
        [personId, now, keepTokenId ?? null],
      ),
    );
    return rows.length;
  }

  async purgeExpired(before: Date): Promise<number> {
    const rows = returnedRows(
      await this.dataSource.query<unknown>(
        `DELETE FROM access_tokens WHERE expires_at < $1 RETURNING token_hash`,
        [before],
      ),
    );
    return rows.length;
  }
}
