import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { ProcessDefinition } from '@app/domain/process/process-definition.schema';
import { CurrentPrincipal, Roles } from '../common/decorators';
import { invalid } from '../common/domain.exception';
import { Idempotent, ProblemResponses } from '../common/openapi';
import type { ApiRequest, Principal } from '../common/principal';
import { isCalendarDate } from '../common/validation';
import { CalendarsService, parseYear } from './calendars.service';
import { DefinitionsService } from './definitions.service';
import { AddNonWorkingDayDto, CalendarDto } from './dto/calendar.dto';
import { DefinitionVersionDto } from './dto/definition.dto';

const STATE = /^[A-Z]{2}$/;
const KEY = /^[a-z][a-z0-9_]{0,63}$/;

function state(code: string): string {
  if (!STATE.test(code))
    throw invalid([{ field: 'stateCode', message: 'stateCode must be two capital letters' }]);
  return code;
}

@ApiTags('admin')
@ApiBearerAuth('bearer')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly calendars: CalendarsService,
    private readonly definitions: DefinitionsService,
  ) {}

  @Get('calendars/:stateCode')
  @ApiOperation({
    summary: "A state's business calendar for a year: public holidays and added non-working days",
  })
  @ApiQuery({ name: 'year', required: false, example: 2025 })
  @ApiOkResponse({ type: CalendarDto })
  @ProblemResponses(400, 401, 404)
  calendar(@Param('stateCode') stateCode: string, @Query('year') year?: string): Promise<CalendarDto> {
    return this.calendars.get(state(stateCode), parseYear(year));
  }

  @Post('calendars/:stateCode/non-working-days')
  @HttpCode(200)
  @Roles('admin', 'coordinator')
  @Idempotent()
  @ApiOperation({ summary: 'Add a non-working day (administrator, or the coordinator of the state)' })
  @ApiOkResponse({ type: CalendarDto, description: 'the calendar of that year' })
  @ProblemResponses(400, 401, 403, 404)
  addNonWorkingDay(
    @CurrentPrincipal() p: Principal,
    @Param('stateCode') stateCode: string,
    @Body() dto: AddNonWorkingDayDto,
    @Req() req: ApiRequest,
  ): Promise<CalendarDto> {
    return this.calendars.add(p, state(stateCode), dto, req);
  }

  @Delete('calendars/:stateCode/non-working-days/:date')
  @HttpCode(204)
  @Roles('admin', 'coordinator')
  @Idempotent()
  @ApiOperation({ summary: 'Remove an added non-working day' })
  @ApiNoContentResponse()
  @ProblemResponses(400, 401, 403, 404)
  async removeNonWorkingDay(
    @CurrentPrincipal() p: Principal,
    @Param('stateCode') stateCode: string,
    @Param('date') date: string,
    @Req() req: ApiRequest,
  ): Promise<void> {
    // any real date: a day saved before dates were limited to FIRST_YEAR..LAST_YEAR can still be removed
    if (!isCalendarDate(date))
      throw invalid([{ field: 'date', message: 'date must be a real date as YYYY-MM-DD' }]);
    await this.calendars.remove(p, state(stateCode), date, req);
  }

  @Post('definitions')
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Upload a new version of a process definition (validated; running cases keep their version)',
    description:
      'The body is the definition JSON: {key, version, title, start, steps, ...}. Every problem is listed in `errors`.',
  })
  @ApiBody({ schema: { type: 'object', description: 'a napflow process definition' } })
  @ApiCreatedResponse({ type: DefinitionVersionDto })
  @ProblemResponses(400, 401, 403, 409)
  upload(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Req() req: ApiRequest,
  ): Promise<DefinitionVersionDto> {
    return this.definitions.upload(p, body, req);
  }

  @Get('definitions')
  @ApiOperation({ summary: 'Every version of every process definition (shipped and uploaded)' })
  @ApiQuery({ name: 'key', required: false, example: 'measure' })
  @ApiOkResponse({ type: [DefinitionVersionDto] })
  @ProblemResponses(400, 401)
  list(@Query('key') key?: string): Promise<DefinitionVersionDto[]> {
    if (key !== undefined && (typeof key !== 'string' || !KEY.test(key))) {
      throw invalid([{ field: 'key', message: 'key must be a definition key such as measure' }]);
    }
    return this.definitions.list(key);
  }

  @Get('definitions/:key/versions/:version')
  @ApiOperation({ summary: 'One version of a process definition, in full' })
  @ApiOkResponse({ schema: { type: 'object', description: 'the process definition JSON' } })
  @ProblemResponses(400, 401, 404)
  get(@Param('key') key: string, @Param('version') version: string): Promise<ProcessDefinition> {
    if (!KEY.test(key)) throw invalid([{ field: 'key', message: 'key must be a definition key' }]);
    if (!/^[1-9]\d{0,5}$/.test(version))
      throw invalid([{ field: 'version', message: 'version must be a positive integer' }]);
    return this.definitions.get(key, Number(version));
  }
}
