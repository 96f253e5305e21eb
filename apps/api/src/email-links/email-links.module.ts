import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { EmailLinksController } from './email-links.controller';
import { EmailLinksService } from './email-links.service';
import { EmailOutboxController } from './email-outbox.controller';

/**
 * Approve by email: GET /email-links/:token (confirmation page, changes nothing), POST /email-links/:token (acts once).
 * GET /email-outbox/failed lists permanently refused emails for the coordinator. Needs the global PersistenceModule
 * and TemporalClientModule.
 */
@Module({
  // DefinitionsService: the step's title in the reader's language
  imports: [AdminModule],
  controllers: [EmailLinksController, EmailOutboxController],
  providers: [EmailLinksService],
})
export class EmailLinksModule {}
