import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericTransformer } from './column-transformers';

/** A plan observed by an organisation (agencyCode) or by every person of a state (stateCode): exactly one is set. */
@Entity({ name: 'plan_shares' })
export class PlanShareEntity {
  @PrimaryColumn({ type: 'bigint', insert: false, update: false, transformer: numericTransformer })
  id!: number;

  @Column({ name: 'plan_code', type: 'text' })
  planCode!: string;

  @Column({ name: 'agency_code', type: 'text', nullable: true })
  agencyCode!: string | null;

  @Column({ name: 'state_code', type: 'text', nullable: true })
  stateCode!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;
}
