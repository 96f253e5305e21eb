import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CaseSnapshot, CaseStatus } from '@app/domain/case/case.types';
import { numericTransformer } from './column-transformers';

export type Weapon = 'nuclear' | 'chemical' | 'biological' | 'all';

/** The read model of one case workflow. */
@Entity({ name: 'cases' })
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'plan_code', type: 'text' })
  planCode!: string;

  @Column({ name: 'state_code', type: 'text' })
  stateCode!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  code!: string;

  @Column({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'lead_agency', type: 'text' })
  leadAgency!: string;

  @Column({ name: 'supporting_agencies', type: 'text', array: true })
  supportingAgencies!: string[];

  /** 1540 operative paragraph, e.g. "OP2", "OP3(d)" */
  @Column({ name: 'area_paragraph', type: 'text', nullable: true })
  areaParagraph!: string | null;

  @Column({ name: 'area_weapon', type: 'text', nullable: true })
  areaWeapon!: Weapon | null;

  @Column({ type: 'text' })
  status!: CaseStatus;

  @Column({ name: 'due_on', type: 'date', nullable: true })
  dueOn!: string | null;

  /** end of the local day of dueOn */
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  /**
   * While active: the earliest of dueAt and its open steps' due instants (overdue = overdueAt < now); null otherwise.
   * Written by the projection with the case, and kept right for any other writer by PostgreSQL (migration
   * CaseOverdueAt).
   */
  @Column({ name: 'overdue_at', type: 'timestamptz', nullable: true, insert: false, update: false })
  overdueAt!: Date | null;

  @Column({ name: 'time_zone', type: 'text', nullable: true })
  timeZone!: string | null;

  @Column({ type: 'numeric', precision: 5, scale: 4, transformer: numericTransformer })
  progress!: number;

  @Column({ name: 'definition_key', type: 'text' })
  definitionKey!: string;

  @Column({ name: 'definition_version', type: 'integer', nullable: true })
  definitionVersion!: number | null;

  /** seq of the last snapshot written; -1 while the case is reserved and its workflow has not reported yet */
  @Column({ type: 'bigint', transformer: numericTransformer })
  seq!: number;

  @Column({ type: 'jsonb', nullable: true })
  snapshot!: CaseSnapshot | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
