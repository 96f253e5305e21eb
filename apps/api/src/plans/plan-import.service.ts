import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { CasesRepository } from '@app/persistence';
import { CaseWorkflowClient } from '@app/temporal';
import { WEAPON_TYPES } from '../cases/dto/create-case.dto';
import { CaseStartService, type CaseCheck, type CaseStartRequest } from '../cases/case-start.service';
import { TemporalCalls } from '../common/temporal-calls.service';
import { DomainErrorCode, DomainException, invalid } from '../common/domain.exception';
import { actorOf, type Principal } from '../common/principal';
import { AGENCY_CODE_PATTERN, CODE_PATTERN, isLocalDate, LOCAL_DATE_RULE, YEARS } from '../common/validation';
import {
  IMPORT_PROBLEM_CODES,
  type ImportProblemCode,
  type ImportProblemDto,
  type ImportReportDto,
  type ImportRowDto,
} from './dto/plan.dto';
import { parseMeasureFile, type RawRow, UnreadableFileError } from './measure-file.parser';
import { PlansService } from './plans.service';

export interface UploadedFileLike {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
  size: number;
}

/** Case starts in flight at once during a real import. */
const IMPORT_START_CONCURRENCY = 16;

/**
 * From this many cases, an import tells each agency about its new steps in one email (the import's notices
 * workflow) instead of one email per step; below it each step's own email goes out, with its "Mark as done" link.
 */
export const IMPORT_NOTICES_FROM_CASES = 5;

/**
 * Import of measures from CSV/XLSX. A dry run reports row by row what would be created and what is wrong; a real
 * import checks everything first and creates nothing unless every row is valid. Rows whose code already exists in
 * the plan are reported as "exists" and left alone, so importing the same file again creates nothing new.
 */
@Injectable()
export class PlanImportService {
  private readonly log = new Logger(PlanImportService.name);

  constructor(
    private readonly plans: PlansService,
    private readonly cases: CasesRepository,
    private readonly starter: CaseStartService,
    private readonly workflows: CaseWorkflowClient,
    private readonly calls: TemporalCalls,
  ) {}

  async import(
    p: Principal,
    planCode: string,
    file: UploadedFileLike | undefined,
    dryRun: boolean,
  ): Promise<ImportReportDto> {
    const plan = await this.plans.writable(p, planCode);
    if (!file || file.size === 0)
      throw invalid([{ field: 'file', message: 'a CSV or XLSX file is required (multipart field "file")' }]);
    let parsed;
    try {
      parsed = await parseMeasureFile(file.buffer, file.originalname, file.mimetype);
    } catch (e) {
      if (e instanceof UnreadableFileError) throw invalid([{ field: 'file', message: e.message }]);
      throw e;
    }
    const existing = new Set(
      await this.cases.existingCodes(
        plan.code,
        parsed.rows.map((r) => r.values.code).filter((c): c is string => !!c),
      ),
    );
    const seen = new Map<string, number>();
    const rows: (ImportRowDto & { request?: CaseStartRequest })[] = parsed.rows.map((raw) => {
      const problems = parsed.missingColumns.map((column) =>
        problem('missing_column', { column }, `missing column ${column}`),
      );
      const { request, problems: format } = toRequest(raw);
      problems.push(...format);
      const code = raw.values.code ?? null;
      if (code) {
        const first = seen.get(code);
        if (first !== undefined)
          problems.push(problem('code_repeats', { code, line: first }, `code ${code} repeats line ${first}`));
        else seen.set(code, raw.line);
      }
      if (problems.length === 0 && code && existing.has(code))
        return { line: raw.line, code, outcome: 'exists', errors: [], problems: [] };
      return {
        line: raw.line,
        code,
        outcome: problems.length ? 'error' : 'create',
        errors: problems.map((p) => p.message),
        problems,
        request: problems.length ? undefined : request,
      };
    });
    // references (agencies, definitions) for the rows that passed the format checks
    const toCheck = rows.filter((r) => r.outcome === 'create');
    const checks: CaseCheck[] = await this.starter.prepare(
      plan,
      toCheck.map((r) => r.request as CaseStartRequest),
    );
    const inputs = new Map<ImportRowDto, NonNullable<CaseCheck['input']>>();
    toCheck.forEach((r, i) => {
      const c = checks[i];
      if (c.input) {
        inputs.set(r, c.input);
        if (c.warnings.length) r.warnings = c.warnings;
      } else {
        r.outcome = 'error';
        for (const e of c.errors) {
          const known = e.problem && (IMPORT_PROBLEM_CODES as readonly string[]).includes(e.problem.code);
          const p = problem(
            known ? (e.problem?.code as ImportProblemCode) : 'reference',
            { ...(known ? e.problem?.params : {}), field: e.field },
            `${e.field}: ${e.message}`,
          );
          r.errors.push(p.message);
          r.problems.push(p);
        }
      }
    });
    if (parsed.rows.length === 0) {
      rows.length = 0;
    }
    const errorCount = rows.filter((r) => r.outcome === 'error').length + (parsed.rows.length === 0 ? 1 : 0);
    // how the new steps are announced: what a real import of these rows does (a dry run), or did
    const report = (
      created: number,
      notices: ImportReportDto['notices'] = dryRun ? noticesFor(inputs.size) : 'none',
    ): ImportReportDto => ({
      dryRun,
      ok: errorCount === 0,
      created,
      existing: rows.filter((r) => r.outcome === 'exists').length,
      errors: errorCount,
      warned: rows.filter((r) => r.outcome === 'create' && r.warnings?.length).length,
      notices,
      rows: rows.map(({ request: _r, ...row }) => row),
      ...(parsed.rows.length === 0 ? { fileErrors: ['the file has no measures'] } : {}),
      ...(parsed.unknownColumns.length ? { ignoredColumns: parsed.unknownColumns } : {}),
    });
    if (dryRun) return report(0);
    if (errorCount > 0) {
      throw new DomainException(
        DomainErrorCode.ImportRejected,
        `${errorCount} row(s) have errors; nothing was created`,
        {
          report: report(0),
        },
      );
    }
    let created = 0;
    const actor = actorOf(p);
    const queue = rows.filter((row) => inputs.has(row));
    let next = 0;
    let failure: unknown;
    // one email per agency listing its new steps, from a workflow started before the cases (nothing is started if
    // it cannot be): the cases hand their new steps to it
    const notices =
      noticesFor(queue.length) === 'per_agency'
        ? await this.calls.run(
            () =>
              this.workflows.startImportNotices(
                { planCode: plan.code, stateCode: plan.stateCode },
                randomUUID(),
              ),
            30_000,
          )
        : undefined;
    // A few starts in flight at once: each is a round trip to PostgreSQL and Temporal, and one at a time leaves
    // both idle. The first failure stops new starts; those in flight finish.
    const runner = async (): Promise<void> => {
      while (failure === undefined && next < queue.length) {
        const row = queue[next++];
        try {
          const started = await this.starter.startChecked(
            inputs.get(row) as NonNullable<CaseCheck['input']>,
            actor,
            notices,
          );
          row.caseId = started.id;
          created++;
        } catch (err) {
          // created meanwhile by someone else: it exists, which is what the import wants
          if (err instanceof DomainException && err.code === DomainErrorCode.Duplicate)
            row.outcome = 'exists';
          else failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(IMPORT_START_CONCURRENCY, queue.length) }, runner));
    if (notices) await this.finished(notices, created);
    if (failure !== undefined) throw failure;
    return report(created, notices ? 'per_agency' : created > 0 ? 'per_step' : 'none');
  }

  /**
   * Tells the import's notices workflow how many cases it should hear from. If Temporal does not answer, the
   * workflow sends what it has five minutes after the last case was heard from: the import still succeeded.
   */
  private async finished(notices: string, started: number): Promise<void> {
    try {
      await this.calls.run(() => this.workflows.importFinished(notices, started), 10_000);
    } catch (err) {
      this.log.warn(
        `import notices ${notices}: not told that ${started} case(s) started (${err instanceof Error ? err.message : String(err)}); it sends after five quiet minutes`,
      );
    }
  }
}

function noticesFor(cases: number): ImportReportDto['notices'] {
  if (cases === 0) return 'none';
  return cases >= IMPORT_NOTICES_FROM_CASES ? 'per_agency' : 'per_step';
}

function problem(
  code: ImportProblemCode,
  params: ImportProblemDto['params'],
  message: string,
): ImportProblemDto {
  return { code, params, message };
}

const WEAPONS = new Set<string>(WEAPON_TYPES);

/**
 * "02.04.2014" (day, month, year: how dates are written in Russian and how Excel in Russian locales writes them to CSV)
 * as "2014-04-02"; anything else as it is, to be checked as YYYY-MM-DD.
 */
export function isoFromDayMonthYear(value: string): string {
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
  return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : value;
}

function toRequest(raw: RawRow): { request: CaseStartRequest; problems: ImportProblemDto[] } {
  const v = raw.values;
  const problems: ImportProblemDto[] = [];
  const no = (code: ImportProblemCode, params: ImportProblemDto['params'], message: string) =>
    problems.push(problem(code, params, message));
  const kind = v.kind ?? 'measure';
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(kind))
    no('kind_invalid', { value: kind }, `kind "${kind}" is not a process definition key`);
  if (v.code !== undefined && !CODE_PATTERN.test(v.code))
    no('code_invalid', { value: v.code }, `code "${v.code}" must be letters, digits, ".", "-" or "_"`);
  if (v.code === undefined) no('empty', { column: 'code' }, 'code is empty');
  if (v.title === undefined) no('empty', { column: 'title' }, 'title is empty');
  else if (v.title.length > 500) no('title_too_long', { max: 500 }, 'title is longer than 500 characters');
  if (v.leadAgency === undefined) no('empty', { column: 'leadAgency' }, 'leadAgency is empty');
  else if (!AGENCY_CODE_PATTERN.test(v.leadAgency))
    no(
      'agency_invalid',
      { column: 'leadAgency', value: v.leadAgency },
      `leadAgency "${v.leadAgency}" is not an agency code`,
    );
  const supporting = (v.supportingAgencies ?? '')
    .split(/[;,|\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const a of supporting)
    if (!AGENCY_CODE_PATTERN.test(a))
      no(
        'agency_invalid',
        { column: 'supportingAgencies', value: a },
        `supporting agency "${a}" is not an agency code`,
      );
  const dueOn = v.dueOn === undefined ? undefined : isoFromDayMonthYear(v.dueOn);
  if (dueOn === undefined) no('empty', { column: 'dueOn' }, 'dueOn is empty');
  else if (!isLocalDate(dueOn))
    no(
      'date_invalid',
      { value: v.dueOn ?? '', years: YEARS },
      `dueOn "${v.dueOn}" ${LOCAL_DATE_RULE} (or DD.MM.YYYY)`,
    );
  if (v.areaParagraph !== undefined && !/^(OP)?[1-9][0-9]?(\s?\(?[a-d]\)?)?$/i.test(v.areaParagraph)) {
    no(
      'paragraph_invalid',
      { value: v.areaParagraph },
      `areaParagraph "${v.areaParagraph}" is not an operative paragraph such as OP3(d)`,
    );
  }
  if (v.areaWeaponType !== undefined && !WEAPONS.has(v.areaWeaponType.toLowerCase())) {
    no(
      'weapon_invalid',
      { value: v.areaWeaponType, allowed: [...WEAPONS].join(', ') },
      `areaWeaponType "${v.areaWeaponType}" must be one of ${[...WEAPONS].join(', ')}`,
    );
  }
  let definitionVersion: number | undefined;
  if (v.definitionVersion !== undefined) {
    definitionVersion = Number(v.definitionVersion);
    if (!Number.isInteger(definitionVersion) || definitionVersion < 1)
      no('version_invalid', { value: v.definitionVersion }, 'definitionVersion must be a positive integer');
  }
  const area =
    v.areaParagraph || v.areaWeaponType
      ? { paragraph: v.areaParagraph, weaponType: v.areaWeaponType?.toLowerCase() }
      : undefined;
  return {
    request: {
      kind,
      code: v.code ?? '',
      title: v.title ?? '',
      leadAgency: v.leadAgency ?? '',
      supportingAgencies: supporting,
      dueOn: dueOn ?? null,
      area,
      definitionVersion,
    },
    problems,
  };
}
