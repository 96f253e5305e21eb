import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
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
import { AgenciesService } from './agencies.service';
import { AgencyDto, AgencyListItemDto, CreateAgencyDto, UpdateAgencyDto } from './dto/agency.dto';

@ApiTags('admin')
@ApiBearerAuth('bearer')
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Post()
  @Roles('admin')
  @Idempotent()
  @ApiOperation({ summary: 'Create an agency or an international organisation (administrators only)' })
  @ApiCreatedResponse({ type: AgencyDto })
  @ProblemResponses(400, 401, 403, 409)
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateAgencyDto,
    @Req() req: ApiRequest,
  ): Promise<AgencyDto> {
    return this.agencies.create(p, dto, req);
  }

  @Patch(':code')
  @Roles('admin')
  @Idempotent()
  @ApiOperation({ summary: 'Rename an agency, in English and/or Russian (administrators only)' })
  @ApiOkResponse({ type: AgencyDto })
  @ProblemResponses(400, 401, 403, 404)
  update(
    @CurrentPrincipal() p: Principal,
    @Param('code') code: string,
    @Body() dto: UpdateAgencyDto,
    @Req() req: ApiRequest,
  ): Promise<AgencyDto> {
    return this.agencies.update(p, code, dto, req);
  }

  @Get()
  @ApiOperation({ summary: 'List agencies' })
  @ApiQuery({ name: 'stateCode', required: false, example: 'KG' })
  @ApiOkResponse({ type: [AgencyListItemDto] })
  @ProblemResponses(400, 401)
  list(@Query('stateCode') stateCode?: string): Promise<AgencyListItemDto[]> {
    if (stateCode !== undefined && (typeof stateCode !== 'string' || !/^[A-Z]{2}$/.test(stateCode))) {
      throw invalid([{ field: 'stateCode', message: 'stateCode must be two capital letters' }]);
    }
    return this.agencies.list(stateCode);
  }
}
