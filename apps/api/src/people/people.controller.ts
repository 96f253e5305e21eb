import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/decorators';
import { invalid } from '../common/domain.exception';
import { Idempotent, ProblemResponses } from '../common/openapi';
import type { ApiRequest, Principal } from '../common/principal';
import { AGENCY_CODE_PATTERN } from '../common/validation';
import { CreatePersonDto, PersonDto, SetDeputyDto, UpdatePersonDto } from './dto/person.dto';
import { PeopleService } from './people.service';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => invalid([{ field: 'id', message: 'id must be a UUID' }]),
});

@ApiTags('admin')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a person with a role and a password (administrators only)' })
  @ApiCreatedResponse({ type: PersonDto })
  @ProblemResponses(400, 401, 403, 409)
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreatePersonDto,
    @Req() req: ApiRequest,
  ): Promise<PersonDto> {
    return this.people.create(p, dto, req);
  }

  @Get()
  @ApiOperation({ summary: 'List people (administrators only)' })
  @ApiQuery({ name: 'agencyCode', required: false })
  @ApiOkResponse({ type: [PersonDto] })
  @ProblemResponses(400, 401, 403)
  list(@Query('agencyCode') agencyCode?: string): Promise<PersonDto[]> {
    if (
      agencyCode !== undefined &&
      (typeof agencyCode !== 'string' || !AGENCY_CODE_PATTERN.test(agencyCode))
    ) {
      throw invalid([{ field: 'agencyCode', message: 'agencyCode must be an agency code' }]);
    }
    return this.people.list({ agencyCode });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One person (administrators only)' })
  @ApiOkResponse({ type: PersonDto })
  @ProblemResponses(400, 401, 403, 404)
  get(@Param('id', uuid) id: string): Promise<PersonDto> {
    return this.people.get(id);
  }

  @Patch(':id')
  @Idempotent()
  @ApiOperation({
    summary: 'Rename, change role, agency, language, password or disable (administrators only)',
  })
  @ApiOkResponse({ type: PersonDto })
  @ProblemResponses(400, 401, 403, 404)
  update(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdatePersonDto,
    @Req() req: ApiRequest,
  ): Promise<PersonDto> {
    return this.people.update(p, id, dto, req);
  }

  @Put(':id/deputy')
  @Idempotent()
  @ApiOperation({ summary: 'Record who stands in for this person during an absence (administrators only)' })
  @ApiOkResponse({ type: PersonDto })
  @ProblemResponses(400, 401, 403, 404)
  setDeputy(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: SetDeputyDto,
    @Req() req: ApiRequest,
  ): Promise<PersonDto> {
    return this.people.setDeputy(p, id, dto, req);
  }
}
