import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { CalendarFeedsController } from './calendar-feeds.controller';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import { CalendarFeedsService } from './calendar-feeds.service';

/** iCal feeds per agency and per person behind secret, revocable URLs. Needs the global PersistenceModule and APP_CONFIG. */
@Module({
  // DefinitionsService: step titles in the feed owner's language
  imports: [AdminModule],
  controllers: [CalendarFeedsController],
  providers: [CalendarFeedsRepository, CalendarFeedsService],
})
export class CalendarFeedsModule {}
