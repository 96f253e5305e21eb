import { Global, Module } from '@nestjs/common';
import { AccessScopeService } from './access-scope.service';
import { TemporalCalls } from './temporal-calls.service';

@Global()
@Module({ providers: [AccessScopeService, TemporalCalls], exports: [AccessScopeService, TemporalCalls] })
export class CommonModule {}
