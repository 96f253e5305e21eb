import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Channel } from '@app/domain/case/case.types';
import { numericTransformer } from './column-transformers';

/** Append-only: the database refuses UPDATE, DELETE and TRUNCATE; id, prev_hash and hash are set by a trigger. */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint', transformer: numericTransformer })
  id!: number;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ name: 'workflow_id', type: 'text', nullable: true })
  workflowId!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: numericTransformer })
  seq!: number | null;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'step_key', type: 'text', nullable: true })
  stepKey!: string | null;

  /** person id, or "system" */
  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName!: string | null;

  @Column({ name: 'actor_agency', type: 'text', nullable: true })
  actorAgency!: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole!: string | null;

  @Column({ name: 'on_behalf_of', type: 'text', nullable: true })
  onBehalfOf!: string | null;

  @Column({ type: 'text' })
  channel!: Channel;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}
