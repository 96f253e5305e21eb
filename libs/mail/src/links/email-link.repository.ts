import type { DataSource } from 'typeorm';
import type { EmailLinkChoice } from '@app/persistence';
import { sha256Hex } from '../message-id';

export interface EmailLinkGrant {
  id: string;
  workflowId: string;
  stepKey: string;
  occurrence: number;
  personId: string;
  onBehalfOf: string | null;
  choices: EmailLinkChoice[];
  expiresAt: Date;
  usedAt: Date | null;
  usedChoice: EmailLinkChoice | null;
}

interface LinkRow {
  id: string;
  workflow_id: string;
  step_key: string;
  occurrence: number;
  person_id: string;
  on_behalf_of: string | null;
  choices: EmailLinkChoice[];
  expires_at: Date;
  used_at: Date | null;
  used_choice: EmailLinkChoice | null;
}

const toGrant = (r: LinkRow): EmailLinkGrant => ({
  id: r.id,
  workflowId: r.workflow_id,
  stepKey: r.step_key,
  occurrence: r.occurrence,
  personId: r.person_id,
  onBehalfOf: r.on_behalf_of,
  choices: r.choices,
  expiresAt: new Date(r.expires_at),
  usedAt: r.used_at ? new Date(r.used_at) : null,
  usedChoice: r.used_choice,
});

/** Reads and spends approve-by-email links. A link is found by the sha256 of the token in its URL, never by the token. */
export class EmailLinkRepository {
  constructor(private readonly ds: DataSource) {}

  async findByToken(rawToken: string): Promise<EmailLinkGrant | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(rawToken)) return null;
    const rows = await this.ds.query<LinkRow[]>(
      `SELECT l.* FROM email_link_tokens t JOIN email_links l ON l.id = t.link_id WHERE t.token_hash = $1`,
      [sha256Hex(rawToken)],
    );
    return rows[0] ? toGrant(rows[0]) : null;
  }

  /** Spends the link, atomically: of concurrent attempts exactly one gets true. */
  async spend(linkId: string, choice: EmailLinkChoice, now: Date = new Date()): Promise<boolean> {
    const r = await this.ds.query<[unknown[], number]>(
      `UPDATE email_links SET used_at = $3, used_choice = $2
        WHERE id = $1 AND used_at IS NULL AND expires_at > $3 AND $2 = ANY(choices)`,
      [linkId, choice, now],
    );
    return r[1] === 1;
  }

  /** Gives the link back after the action did not happen (refused by the workflow, or Temporal unreachable). */
  async unspend(linkId: string): Promise<void> {
    await this.ds.query(`UPDATE email_links SET used_at = NULL, used_choice = NULL WHERE id = $1`, [linkId]);
  }
}
