import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/decorators';
import { Idempotent, ProblemResponses } from '../common/openapi';
import type { ApiRequest, Principal } from '../common/principal';
import { CreateStateDto, StateDto } from './dto/state.dto';
import { StatesService } from './states.service';

@ApiTags('admin')
@ApiBearerAuth('bearer')
@Controller('states')
export class StatesController {
  constructor(private readonly states: StatesService) {}

  @Post()
  @Roles('admin')
  @Idempotent()
  @ApiOperation({ summary: 'Create a state (administrators only)' })
  @ApiCreatedResponse({ type: StateDto })
  @ProblemResponses(400, 401, 403, 409)
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateStateDto,
    @Req() req: ApiRequest,
  ): Promise<StateDto> {
    return this.states.create(p, dto, req);
  }

  @Get()
  @ApiOperation({ summary: 'List states' })
  @ApiOkResponse({ type: [StateDto] })
  @ProblemResponses(401)
  list(): Promise<StateDto[]> {
    return this.states.list();
  }
}
