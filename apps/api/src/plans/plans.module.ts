import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { PlanImportService } from './plan-import.service';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

@Module({
  imports: [CasesModule],
  controllers: [PlansController],
  providers: [PlansService, PlanImportService],
  exports: [PlansService],
})
export class PlansModule {}
