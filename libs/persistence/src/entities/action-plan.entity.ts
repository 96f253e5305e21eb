import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'action_plans' })
export class ActionPlanEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ name: 'state_code', type: 'text' })
  stateCode!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'adopted_on', type: 'date', nullable: true })
  adoptedOn!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;
}
