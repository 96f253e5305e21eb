import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { sha256Hex } from '@app/mail';
import { CalendarFeedTokenEntity, type CalendarFeedScope } from '@app/persistence';

/** calendar_feed_tokens: only the sha256 of each feed token is stored. */
@Injectable()
export class CalendarFeedsRepository {
  constructor(private readonly ds: DataSource) {}

  async create(input: {
    scope: CalendarFeedScope;
    agencyCode: string | null;
    personId: string | null;
    label: string;
    createdBy: string;
  }) {
    const token = randomBytes(32).toString('base64url');
    const row: Partial<CalendarFeedTokenEntity> = { id: randomUUID(), tokenHash: sha256Hex(token), ...input };
    await this.ds.getRepository(CalendarFeedTokenEntity).insert(row);
    return { token, feed: (await this.get(row.id as string)) as CalendarFeedTokenEntity };
  }

  get(id: string): Promise<CalendarFeedTokenEntity | null> {
    return this.ds.getRepository(CalendarFeedTokenEntity).findOneBy({ id });
  }

  /** A live (not revoked) feed by the token from its URL. */
  byToken(token: string): Promise<CalendarFeedTokenEntity | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return Promise.resolve(null);
    return this.ds
      .getRepository(CalendarFeedTokenEntity)
      .findOneBy({ tokenHash: sha256Hex(token), revokedAt: IsNull() });
  }

  listFor(who: { personId: string; agencyCode: string }): Promise<CalendarFeedTokenEntity[]> {
    return this.ds.getRepository(CalendarFeedTokenEntity).find({
      where: [{ createdBy: who.personId }, { personId: who.personId }, { agencyCode: who.agencyCode }],
      order: { createdAt: 'DESC' },
    });
  }

  async revoke(id: string): Promise<boolean> {
    const r = await this.ds
      .getRepository(CalendarFeedTokenEntity)
      .update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (r.affected ?? 0) > 0;
  }

  /** Agencies whose steps a person's own feed shows: their agency, and those of people they deputise for today. */
  async agenciesOfPerson(personId: string, stateCode: string | null, today: string): Promise<string[]> {
    // colleagues stood in for only within the person's state, as for the inbox and acting (agenciesDeputisedBy)
    const rows = await this.ds.query<Array<{ agency_code: string }>>(
      `SELECT agency_code FROM people WHERE id = $1 AND active
       UNION
       SELECT p.agency_code FROM people p JOIN agencies a ON a.code = p.agency_code
        WHERE p.deputy_id = $1 AND p.active AND p.away_from IS NOT NULL AND p.away_from <= $2::date
          AND (p.away_until IS NULL OR p.away_until >= $2::date) AND a.state_code = $3`,
      [personId, today, stateCode],
    );
    return rows.map((r) => r.agency_code);
  }
}
