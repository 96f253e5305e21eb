import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'process_definitions' })
export class ProcessDefinitionEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** the validated definition (schema in libs/domain) */
  @Column({ type: 'jsonb' })
  definition!: unknown;

  @Column({ name: 'published_by', type: 'uuid', nullable: true })
  publishedBy!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;
}
