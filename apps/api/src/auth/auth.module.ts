import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottlerGuard } from './login-throttler.guard';

@Module({
  imports: [ThrottlerModule.forRoot({ throttlers: [{ name: 'login', limit: 10, ttl: 60_000 }] })],
  controllers: [AuthController],
  providers: [AuthService, AuthGuard, LoginThrottlerGuard],
  exports: [AuthService, AuthGuard],
})
export class AuthModule {}
