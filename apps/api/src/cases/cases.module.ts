import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { CaseStartService } from './case-start.service';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

@Module({
  imports: [AdminModule],
  controllers: [CasesController],
  providers: [CasesService, CaseStartService],
  exports: [CasesService, CaseStartService],
})
export class CasesModule {}
