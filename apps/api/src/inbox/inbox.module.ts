import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { InboxController } from './inbox.controller';
import { InboxService } from './inbox.service';

// DefinitionsService: step titles in every language of the case's definition
@Module({ imports: [AdminModule], controllers: [InboxController], providers: [InboxService] })
export class InboxModule {}
