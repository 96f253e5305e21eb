import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { CalendarsService } from './calendars.service';
import { DefinitionsService } from './definitions.service';

@Module({
  controllers: [AdminController],
  providers: [CalendarsService, DefinitionsService],
  exports: [DefinitionsService],
})
export class AdminModule {}
