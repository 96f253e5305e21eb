import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * sha256 of a secret link token, issued when the email is handed to SMTP (so the raw token exists only in the sent
 * email). A resend after a crash issues a second token for the same link; the link stays single-use.
 */
@Entity({ name: 'email_link_tokens' })
export class EmailLinkTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'link_id', type: 'uuid' })
  linkId!: string;

  @Column({ name: 'issued_at', type: 'timestamptz', insert: false, update: false })
  issuedAt!: Date;
}
