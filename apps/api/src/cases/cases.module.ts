import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailOutboxRepository } from '@app/mail';
import { AdminModule } from '../admin/admin.module';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { CaseStartService } from './case-start.service';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

@Module({
  imports: [AdminModule],
  controllers: [CasesController, AttachmentsController],
  providers: [
    CasesService,
    CaseStartService,
    AttachmentsService,
    {
      provide: EmailOutboxRepository,
      useFactory: (ds: DataSource) => new EmailOutboxRepository(ds),
      inject: [DataSource],
    },
  ],
  exports: [CasesService, CaseStartService],
})
export class CasesModule {}
