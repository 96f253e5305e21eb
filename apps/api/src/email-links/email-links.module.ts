import { Module } from '@nestjs/common';
import { EmailLinksController } from './email-links.controller';
import { EmailLinksService } from './email-links.service';

/**
 * Approve by email: GET /email-links/:token (confirmation page, changes nothing), POST /email-links/:token (acts once).
 * Needs the global PersistenceModule and TemporalClientModule.
 */
@Module({
  controllers: [EmailLinksController],
  providers: [EmailLinksService],
})
export class EmailLinksModule {}
