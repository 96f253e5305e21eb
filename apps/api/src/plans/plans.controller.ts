import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UploadedFile } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { IdempotentUpload } from '../common/idempotency.interceptor';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/decorators';
import { invalid } from '../common/domain.exception';
import { Idempotent, ProblemResponses } from '../common/openapi';
import type { ApiRequest, Principal } from '../common/principal';
import { CreatePlanDto, ImportReportDto, PlanDto, PlanWithProgressDto, SharePlanDto } from './dto/plan.dto';
import { PlanImportService, type UploadedFileLike } from './plan-import.service';
import { PlansService } from './plans.service';

export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;

@ApiTags('plans')
@ApiBearerAuth('bearer')
@Controller('plans')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly importer: PlanImportService,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create an action plan (administrator, or the coordinator of its state)' })
  @ApiCreatedResponse({ type: PlanDto })
  @ProblemResponses(400, 401, 403, 409)
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreatePlanDto,
    @Req() req: ApiRequest,
  ): Promise<PlanDto> {
    return this.plans.create(p, dto, req);
  }

  @Get()
  @ApiOperation({ summary: 'The plans the caller may read' })
  @ApiOkResponse({ type: [PlanDto] })
  @ProblemResponses(401)
  list(@CurrentPrincipal() p: Principal): Promise<PlanDto[]> {
    return this.plans.list(p);
  }

  @Get(':code')
  @ApiOperation({ summary: 'One plan with its progress figures' })
  @ApiOkResponse({ type: PlanWithProgressDto })
  @ProblemResponses(401, 404)
  get(@CurrentPrincipal() p: Principal, @Param('code') code: string): Promise<PlanWithProgressDto> {
    return this.plans.get(p, code);
  }

  @Post(':code/shares')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: "Share the plan with an organisation's observers (e.g. OSCE, a peer-review partner)",
  })
  @ApiOkResponse({ type: PlanWithProgressDto })
  @ProblemResponses(400, 401, 403, 404)
  share(
    @CurrentPrincipal() p: Principal,
    @Param('code') code: string,
    @Body() dto: SharePlanDto,
    @Req() req: ApiRequest,
  ): Promise<PlanWithProgressDto> {
    return this.plans.share(p, code, dto, req);
  }

  @Post(':code/import')
  @HttpCode(200)
  @IdempotentUpload(
    FileInterceptor('file', { limits: { fileSize: MAX_IMPORT_FILE_BYTES, files: 1, fields: 10 } }),
  )
  @ApiOperation({
    summary: 'Import measures from a CSV or XLSX file',
    description:
      'Columns: kind (default measure), code, title, leadAgency, supportingAgencies (separated by ";"), dueOn ' +
      '(YYYY-MM-DD or DD.MM.YYYY), areaParagraph, areaWeaponType, definitionVersion; headers may also be written in ' +
      'Russian (Код, Название, Ведомство, Соисполнители, Срок, Пункт, Оружие, Вид, Версия). CSV: UTF-8, UTF-16 with ' +
      'BOM or Windows-1251, cells separated by ",", ";" or tabs. `dryRun=true` reports row by row and starts ' +
      'nothing; a real import creates nothing unless every row is valid (422 with the report). Rows whose code ' +
      'exists are reported as "exists": importing the same file again creates nothing new.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true', 'false'] })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({
    description: 'some rows are invalid: nothing was created; `report` lists them',
  })
  @ProblemResponses(400, 401, 403, 404, 413, 422)
  import(
    @CurrentPrincipal() p: Principal,
    @Param('code') code: string,
    @UploadedFile() file: UploadedFileLike | undefined,
    @Query('dryRun') dryRun?: string,
  ): Promise<ImportReportDto> {
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
      throw invalid([{ field: 'dryRun', message: 'dryRun must be true or false' }]);
    }
    return this.importer.import(p, code, file, dryRun === 'true');
  }
}
