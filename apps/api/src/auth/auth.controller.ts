import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Response } from 'express';
import { CurrentPrincipal, Public } from '../common/decorators';
import { type ApiRequest, type Principal, SESSION_COOKIE } from '../common/principal';
import { ProblemResponses } from '../common/openapi';
import { AuthService } from './auth.service';
import { LoginDto, SessionPersonDto, TokenDto } from './dto/login.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { bearerFrom } from './token';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @Throttle({ login: { limit: 10, ttl: 60_000 } })
  @ApiOperation({
    summary: 'Sign in',
    description:
      'Returns a bearer token and sets the same token as an HttpOnly session cookie for the dashboard.',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ description: 'unknown email or wrong password' })
  @ApiTooManyRequestsResponse({ description: 'too many attempts for this email from this address' })
  @ProblemResponses(400)
  async login(
    @Body() dto: LoginDto,
    @Req() req: ApiRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenDto> {
    const session = await this.auth.login(dto.email, dto.password);
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      expires: new Date(session.expiresAt),
    });
    return session;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Revoke the current token and clear the session cookie' })
  @ProblemResponses(401)
  async logout(@Req() req: ApiRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token =
      bearerFrom(req.headers.authorization) ?? (req.cookies as Record<string, string>)[SESSION_COOKIE];
    if (token) await this.auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the token belongs to' })
  @ApiOkResponse({ type: SessionPersonDto })
  @ProblemResponses(401)
  me(@CurrentPrincipal() p: Principal): SessionPersonDto {
    return {
      id: p.personId,
      name: p.name,
      email: p.email,
      role: p.role,
      agencyCode: p.agencyCode,
      stateCode: p.stateCode,
      language: p.language,
    };
  }
}
