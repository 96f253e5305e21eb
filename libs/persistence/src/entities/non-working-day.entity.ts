import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'non_working_days' })
export class NonWorkingDayEntity {
  @PrimaryColumn({ name: 'state_code', type: 'text' })
  stateCode!: string;

  /** local date YYYY-MM-DD */
  @PrimaryColumn({ type: 'date' })
  date!: string;

  @Column({ type: 'text' })
  reason!: string;
}
