import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Language, Role } from '@app/domain/case/case.types';

@Entity({ name: 'people' })
export class PersonEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** always lower-cased */
  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  language!: Language;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ name: 'deputy_id', type: 'uuid', nullable: true })
  deputyId!: string | null;

  @Column({ name: 'away_from', type: 'date', nullable: true })
  awayFrom!: string | null;

  @Column({ name: 'away_until', type: 'date', nullable: true })
  awayUntil!: string | null;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
