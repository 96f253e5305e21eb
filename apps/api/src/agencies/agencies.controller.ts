import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
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
import { AgencyDto, CreateAgencyDto } from './dto/agency.dto';

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

  @Get()
  @ApiOperation({ summary: 'List agencies' })
  @ApiQuery({ name: 'stateCode', required: false, example: 'KG' })
  @ApiOkResponse({ type: [AgencyDto] })
  @ProblemResponses(400, 401)
  list(@Query('stateCode') stateCode?: string): Promise<AgencyDto[]> {
    if (stateCode !== undefined && (typeof stateCode !== 'string' || !/^[A-Z]{2}$/.test(stateCode))) {
      throw invalid([{ field: 'stateCode', message: 'stateCode must be two capital letters' }]);
    }
    return this.agencies.list(stateCode);
  }
}
