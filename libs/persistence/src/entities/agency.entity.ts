import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AgencyKind = 'ministry' | 'agency' | 'international';

@Entity({ name: 'agencies' })
export class AgencyEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'name_ru', type: 'text', nullable: true })
  nameRu!: string | null;

  /** null for international organisations */
  @Column({ name: 'state_code', type: 'text', nullable: true })
  stateCode!: string | null;

  @Column({ type: 'text' })
  kind!: AgencyKind;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;
}
