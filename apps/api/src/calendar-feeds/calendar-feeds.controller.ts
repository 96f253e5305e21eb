import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Public } from '../common/decorators';
import { SecretResponse } from '../common/idempotency.interceptor';
import type { Principal } from '../common/principal';
import { CalendarFeedsService } from './calendar-feeds.service';
import { CalendarFeedDto, CreateCalendarFeedDto, CreatedCalendarFeedDto } from './dto/calendar-feed.dto';

@ApiTags('calendar feeds')
@Controller('calendar-feeds')
export class CalendarFeedsController {
  constructor(private readonly service: CalendarFeedsService) {}

  @Post()
  @SecretResponse()
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Create a secret iCal feed URL of an agency or of yourself (the URL is shown once)',
  })
  @ApiCreatedResponse({ type: CreatedCalendarFeedDto })
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateCalendarFeedDto,
  ): Promise<CreatedCalendarFeedDto> {
    return this.service.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Your calendar feeds and those of your agency (without their secret URLs)' })
  @ApiOkResponse({ type: [CalendarFeedDto] })
  list(@CurrentPrincipal() p: Principal): Promise<CalendarFeedDto[]> {
    return this.service.list(p);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a calendar feed: its URL stops working at once' })
  async revoke(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.service.revoke(p, id);
  }

  @Public()
  @Get(':token/feed.ics')
  @ApiOperation({ summary: 'The iCal feed (the secret token in the URL is the credential)' })
  async feed(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const body = await this.service.render(token);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Robots-Tag', 'noindex');
    if (body === null) {
      res.status(404).type('text/plain').send('Unknown or revoked calendar feed.\n');
      return;
    }
    res
      .status(200)
      .type('text/calendar; charset=utf-8')
      .setHeader('Content-Disposition', 'inline; filename="napflow.ics"');
    res.send(body);
  }
}
