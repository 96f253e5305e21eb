import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@app/domain/case/case.types';
import { IS_PUBLIC, ROLES_KEY } from '../common/decorators';
import { DomainErrorCode, DomainException } from '../common/domain.exception';
import { type ApiRequest, SESSION_COOKIE } from '../common/principal';
import { AuthService } from './auth.service';
import { bearerFrom } from './token';

/**
 * Every route needs a valid token unless marked @Public(): a bearer token (channel "api") or the dashboard's
 * HttpOnly session cookie (channel "dashboard"). @Roles() narrows the route to some roles (403 otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<ApiRequest>();
    const bearer = bearerFrom(req.headers.authorization);
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    if (!token)
      throw new DomainException(
        DomainErrorCode.Unauthenticated,
        'Sign in: send "Authorization: Bearer <token>"',
      );
    req.principal = await this.auth.authenticate(token, bearer ? 'api' : 'dashboard');
    if (req.ip) req.principal.ip = req.ip;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.principal.role)) {
      throw new DomainException(
        DomainErrorCode.Forbidden,
        `This action needs the role ${roles.join(' or ')}`,
      );
    }
    return true;
  }
}
