import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StepAction, StepKind, StepSnapshot, StepStatus } from '@app/domain/case/case.types';

@Entity({ name: 'case_steps' })
export class CaseStepEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** the case's plan, copied by a trigger on insert (so the inbox can apply an access scope without a join) */
  @Column({ name: 'plan_code', type: 'text', nullable: true, insert: false, update: false })
  planCode!: string | null;

  /** the case's state, copied by a trigger on insert */
  @Column({ name: 'state_code', type: 'text', nullable: true, insert: false, update: false })
  stateCode!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  kind!: StepKind;

  @Column({ type: 'text' })
  status!: StepStatus;

  @Column({ type: 'text', array: true })
  assignees!: string[];

  @Column({ name: 'due_on', type: 'date', nullable: true })
  dueOn!: string | null;

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'integer' })
  occurrence!: number;

  /** order of the step in the definition */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'jsonb' })
  actions!: StepAction[];

  @Column({ type: 'jsonb', nullable: true })
  approval!: StepSnapshot['approval'] | null;
}
