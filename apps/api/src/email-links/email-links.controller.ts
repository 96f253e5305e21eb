import { Body, Controller, Get, Head, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/decorators';
import { renderLinkPage, statusOfPage, type LinkPage } from './email-link.pages';
import { EmailLinksService, type LinkForm } from './email-links.service';

/**
 * The pages behind approve-by-email links (HTML for people, not part of the JSON API). The token in the path is the
 * credential: pages are never cached, never indexed, and send no Referer onwards.
 */
@ApiExcludeController()
@Public()
@Controller('email-links')
export class EmailLinksController {
  constructor(private readonly service: EmailLinksService) {}

  // Link scanners probe with HEAD: answer without reading or writing anything.
  @Head(':token')
  head(@Res() res: Response): void {
    securityHeaders(res);
    res.status(200).type('html').end();
  }

  @Get(':token')
  async open(
    @Param('token') token: string,
    @Query('choice') choice: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.service.open(token, typeof choice === 'string' ? choice : undefined));
  }

  @Post(':token')
  @HttpCode(200)
  async act(
    @Param('token') token: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form: LinkForm = body && typeof body === 'object' ? body : {};
    send(res, await this.service.act(token, form, sameOrigin(req), new Date(), req.ip));
  }
}

/** A browser's form POST carries Origin; when present it must be this server (the CSRF token is the main guard). */
function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function securityHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
}

function send(res: Response, page: LinkPage): void {
  securityHeaders(res);
  res.status(statusOfPage(page)).type('html').send(renderLinkPage(page));
}
