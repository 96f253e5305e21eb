import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';

// Reads a CSV or XLSX file of measures into raw rows keyed by canonical column names. Validation of the values is
// the import service's job; this file only knows file formats and header spellings.

export const IMPORT_COLUMNS = [
  'kind',
  'code',
  'title',
  'leadAgency',
  'supportingAgencies',
  'dueOn',
  'areaParagraph',
  'areaWeaponType',
  'definitionVersion',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const REQUIRED_COLUMNS: ImportColumn[] = ['code', 'title', 'leadAgency', 'dueOn'];

export interface RawRow {
  /** 1-based line in the file; the header is line 1 */
  line: number;
  values: Partial<Record<ImportColumn, string>>;
}

export interface ParsedFile {
  columns: ImportColumn[];
  missingColumns: ImportColumn[];
  unknownColumns: string[];
  rows: RawRow[];
}

export class UnreadableFileError extends Error {}

// Headers compare by their letters only, Latin or Cyrillic ("Lead agency" = "leadAgency", "Срок исполнения").
const norm = (h: string): string =>
  h
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^a-zа-я]/g, '');
const ALIASES: Record<string, ImportColumn> = Object.fromEntries([
  ...IMPORT_COLUMNS.map((c) => [norm(c), c] as const),
  ['type', 'kind'],
  ['process', 'kind'],
  ['measure', 'code'],
  ['measurecode', 'code'],
  ['casecode', 'code'],
  ['lead', 'leadAgency'],
  ['leadagencycode', 'leadAgency'],
  ['supporting', 'supportingAgencies'],
  ['supportingagency', 'supportingAgencies'],
  ['due', 'dueOn'],
  ['duedate', 'dueOn'],
  ['deadline', 'dueOn'],
  ['paragraph', 'areaParagraph'],
  ['operativeparagraph', 'areaParagraph'],
  ['weapon', 'areaWeaponType'],
  ['weapontype', 'areaWeaponType'],
  ['version', 'definitionVersion'],
  // Russian, as plans are written in Kyrgyzstan, Tajikistan and the rest of Central Asia
  ['вид', 'kind'],
  ['тип', 'kind'],
  ['процесс', 'kind'],
  ['код', 'code'],
  ['кодмеры', 'code'],
  ['номер', 'code'],
  ['название', 'title'],
  ['наименование', 'title'],
  ['мероприятие', 'title'],
  ['ведомство', 'leadAgency'],
  ['ответственноеведомство', 'leadAgency'],
  ['головноеведомство', 'leadAgency'],
  ['исполнитель', 'leadAgency'],
  ['ответственныйисполнитель', 'leadAgency'],
  ['соисполнители', 'supportingAgencies'],
  ['соисполнитель', 'supportingAgencies'],
  ['содействующиеведомства', 'supportingAgencies'],
  ['срок', 'dueOn'],
  ['срокисполнения', 'dueOn'],
  ['крайнийсрок', 'dueOn'],
  ['пункт', 'areaParagraph'],
  ['постановляющийпункт', 'areaParagraph'],
  ['оружие', 'areaWeaponType'],
  ['видоружия', 'areaWeaponType'],
  ['версия', 'definitionVersion'],
]);

/** Also what keeps an import's notices workflow in one run (workflows/import-notices.definitions.ts): raise with care. */
export const MAX_IMPORT_ROWS = 2000;

export async function parseMeasureFile(
  buffer: Buffer,
  filename: string,
  mimeType: string,
): Promise<ParsedFile> {
  const isXlsx =
    /\.xlsx$/i.test(filename) ||
    mimeType === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' ||
    buffer.subarray(0, 2).toString('latin1') === 'PK';
  const table = isXlsx ? await readXlsx(buffer) : readCsv(buffer);
  if (table.length === 0) throw new UnreadableFileError('the file is empty: a header line is required');
  const [header, ...body] = table;
  const columns: ImportColumn[] = [];
  const unknownColumns: string[] = [];
  const index: { col: ImportColumn; at: number }[] = [];
  header.forEach((h, at) => {
    // a bilingual header ("Код (Code)", "Срок / Due date") by either of its halves
    const letters = norm(h);
    const col =
      ALIASES[letters] ?? ALIASES[letters.replace(/[а-я]/g, '')] ?? ALIASES[letters.replace(/[a-z]/g, '')];
    if (col && !columns.includes(col)) {
      columns.push(col);
      index.push({ col, at });
    } else if (h.trim() !== '') unknownColumns.push(h);
  });
  if (body.length > MAX_IMPORT_ROWS)
    throw new UnreadableFileError(`at most ${MAX_IMPORT_ROWS} rows per file`);
  const rows: RawRow[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => c.trim() === '')) return; // blank lines are not measures
    const values: RawRow['values'] = {};
    for (const { col, at } of index) {
      const v = (cells[at] ?? '').trim();
      if (v !== '') values[col] = v;
    }
    rows.push({ line: i + 2, values });
  });
  return {
    columns,
    missingColumns: REQUIRED_COLUMNS.filter((c) => !columns.includes(c)),
    unknownColumns,
    rows,
  };
}

function readCsv(buffer: Buffer): string[][] {
  const text = decodeText(buffer);
  if (text.includes('\u0000'))
    throw new UnreadableFileError('the file is neither CSV text nor an XLSX workbook');
  const delimiter = guessDelimiter(text);
  try {
    return parseCsv(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: false,
    }) as string[][];
  } catch (e) {
    throw new UnreadableFileError(`the CSV cannot be read: ${(e as Error).message}`);
  }
}

/**
 * The text of a CSV file as Excel and other tools save it: UTF-8 (with or without a BOM), UTF-16 with its BOM
 * (Excel's "Unicode text"), or else Windows-1251, the code page Excel uses for "CSV" on Russian-language Windows.
 * A file that is not valid UTF-8 is read as Windows-1251, where every byte is a character: Cyrillic comes out right,
 * and any other 8-bit text shows up in the dry run's titles rather than as replacement characters.
 */
export function decodeText(buffer: Buffer): string {
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return new TextDecoder('utf-16le').decode(buffer.subarray(2));
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return new TextDecoder('utf-16be').decode(buffer.subarray(2));
  try {
    // ignoreBOM: false drops a UTF-8 BOM
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    // UTF-8 text with a few stray bytes (a character pasted from another encoding) would turn into Windows-1251
    // nonsense as a whole: refuse it, naming the line, rather than import garbled titles
    const { valid, invalid, firstInvalidLine } = utf8Sequences(buffer);
    if (valid > invalid)
      throw new UnreadableFileError(
        `line ${firstInvalidLine} is not valid UTF-8 while the rest of the file is: save the file again as ` +
          `"CSV UTF-8", or correct that line`,
      );
    return new TextDecoder('windows-1251').decode(buffer);
  }
}

/** Counts the multi-byte UTF-8 sequences that are well formed and the bytes that start none (lead or stray). */
function utf8Sequences(b: Buffer): { valid: number; invalid: number; firstInvalidLine: number } {
  let valid = 0;
  let invalid = 0;
  let line = 1;
  let firstInvalidLine = 0;
  for (let i = 0; i < b.length;) {
    const x = b[i];
    if (x < 0x80) {
      if (x === 0x0a) line += 1;
      i += 1;
      continue;
    }
    const len = x >= 0xc2 && x <= 0xdf ? 2 : x >= 0xe0 && x <= 0xef ? 3 : x >= 0xf0 && x <= 0xf4 ? 4 : 0;
    let ok = len > 0 && i + len <= b.length;
    for (let k = 1; ok && k < len; k++) ok = (b[i + k] & 0xc0) === 0x80;
    if (ok) {
      valid += 1;
      i += len;
    } else {
      invalid += 1;
      if (firstInvalidLine === 0) firstInvalidLine = line;
      i += 1;
    }
  }
  return { valid, invalid, firstInvalidLine };
}

// Spreadsheets exported in Russian locales use ";" between cells, Excel's "Unicode text" a tab.
function guessDelimiter(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (d: string) => first.split(d).length - 1;
  return [';', '\t'].reduce((best, d) => (count(d) > count(best) ? d : best), ',');
}

async function readXlsx(buffer: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (e) {
    throw new UnreadableFileError(`the XLSX workbook cannot be read: ${(e as Error).message}`);
  }
  const sheet = wb.worksheets[0];
  if (!sheet) return [];
  const out: string[][] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    out[rowNumber - 1] = cells;
  });
  for (let i = 0; i < out.length; i++) out[i] ??= [];
  return out;
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  // Excel dates arrive as JS dates at UTC midnight: the calendar date is what the user typed
  if (v instanceof Date) return DateTime.fromJSDate(v, { zone: 'utc' }).toISODate() ?? '';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v);
}
