import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/decorators';
import { ProblemResponses } from '../common/openapi';
import type { Principal } from '../common/principal';
import { InboxDto, InboxQueryDto } from './inbox.dto';
import { InboxService } from './inbox.service';

@ApiTags('cases')
@ApiBearerAuth('bearer')
@Controller('inbox')
export class InboxController {
  constructor(private readonly inboxes: InboxService) {}

  @Get()
  @ApiOperation({
    summary: "The open steps waiting on the caller's agency",
    description:
      'Includes the steps of colleagues the caller stands in for today; coordinators also see coordinator steps.',
  })
  @ApiOkResponse({ type: InboxDto })
  @ProblemResponses(400, 401)
  inbox(@CurrentPrincipal() p: Principal, @Query() q: InboxQueryDto): Promise<InboxDto> {
    return this.inboxes.inbox(p, q.page ?? 1, q.pageSize ?? 50);
  }
}
