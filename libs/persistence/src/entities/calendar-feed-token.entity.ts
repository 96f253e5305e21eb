import { Column, Entity, PrimaryColumn } from 'typeorm';

export type CalendarFeedScope = 'agency' | 'person';

/** A secret, revocable iCal feed URL of an agency or a person. Only the sha256 of the token is stored. */
@Entity({ name: 'calendar_feed_tokens' })
export class CalendarFeedTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ type: 'text' })
  scope!: CalendarFeedScope;

  @Column({ name: 'agency_code', type: 'text', nullable: true })
  agencyCode!: string | null;

  @Column({ name: 'person_id', type: 'uuid', nullable: true })
  personId!: string | null;

  @Column({ type: 'text', default: '' })
  label!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
