import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { decodeText, parseMeasureFile, UnreadableFileError } from './measure-file.parser';

describe('parseMeasureFile', () => {
  it('reads CSV with header aliases, ";" separators and a BOM', async () => {
    const csv = '\uFEFFCode;Title;Lead agency;Due date;Extra\nM-1;Control list;KG-MOE;2014-04-02;x\n;;;;\n';
    const parsed = await parseMeasureFile(Buffer.from(csv), 'm.csv', 'text/csv');
    expect(parsed.columns).toEqual(['code', 'title', 'leadAgency', 'dueOn']);
    expect(parsed.unknownColumns).toEqual(['Extra']);
    expect(parsed.missingColumns).toEqual([]);
    expect(parsed.rows).toEqual([
      { line: 2, values: { code: 'M-1', title: 'Control list', leadAgency: 'KG-MOE', dueOn: '2014-04-02' } },
    ]);
  });

  it('names missing required columns', async () => {
    const parsed = await parseMeasureFile(Buffer.from('code,title\nM-1,x\n'), 'm.csv', 'text/csv');
    expect(parsed.missingColumns).toEqual(['leadAgency', 'dueOn']);
  });

  it('reads XLSX with Excel dates as calendar dates', async () => {
    const wb = new ExcelJS.Workbook();
    const s = wb.addWorksheet('x');
    s.addRow(['code', 'title', 'leadAgency', 'dueOn']);
    s.addRow(['M-2', 'Handover', 'KG-SCS', new Date(Date.UTC(2015, 0, 1))]);
    const parsed = await parseMeasureFile(Buffer.from(await wb.xlsx.writeBuffer()), 'm.xlsx', '');
    expect(parsed.rows[0].values).toEqual({
      code: 'M-2',
      title: 'Handover',
      leadAgency: 'KG-SCS',
      dueOn: '2015-01-01',
    });
  });

  it('refuses binary garbage and empty files', async () => {
    await expect(parseMeasureFile(Buffer.from([0, 1, 0, 2]), 'x.csv', '')).rejects.toBeInstanceOf(
      UnreadableFileError,
    );
    await expect(parseMeasureFile(Buffer.from(''), 'x.csv', '')).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(parseMeasureFile(Buffer.from('PK\u0003\u0004zz'), 'x.xlsx', '')).rejects.toBeInstanceOf(
      UnreadableFileError,
    );
  });
  // what Excel writes for "CSV" on Russian-language Windows: Windows-1251, ";" between cells, Russian headers
  const cp1251 = (text: string): Buffer => iconv.encode(text, 'win1251');

  it('reads a Windows-1251 CSV with Russian headers, as Excel saves it in Russian locales', async () => {
    const csv =
      'Код;Название;Ответственное ведомство;Соисполнители;Срок исполнения;Пункт;Вид оружия\r\n' +
      'M-7;Контрольный список;KG-MOE;KG-SCS;02.04.2014;OP3(d);all\r\n';
    const parsed = await parseMeasureFile(cp1251(csv), 'план.csv', 'text/csv');
    expect(parsed.missingColumns).toEqual([]);
    expect(parsed.unknownColumns).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        values: {
          code: 'M-7',
          title: 'Контрольный список',
          leadAgency: 'KG-MOE',
          supportingAgencies: 'KG-SCS',
          dueOn: '02.04.2014',
          areaParagraph: 'OP3(d)',
          areaWeaponType: 'all',
        },
      },
    ]);
  });

  it('reads UTF-16 with its BOM and tabs (Excel’s “Unicode text”), and UTF-8 with or without a BOM', async () => {
    const text = 'code\ttitle\tleadAgency\tdueOn\nM-8\tЁмкости хранения\tKG-SCS\t2015-01-01\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const file of [le, be, Buffer.from(text), Buffer.from(`\uFEFF${text}`)]) {
      const parsed = await parseMeasureFile(file, 'm.txt', 'text/plain');
      expect(parsed.rows).toEqual([
        {
          line: 2,
          values: { code: 'M-8', title: 'Ёмкости хранения', leadAgency: 'KG-SCS', dueOn: '2015-01-01' },
        },
      ]);
    }
  });

  it('reads bilingual headers by either half', async () => {
    const csv =
      'Код (Code),Title / Наименование,Lead agency — Ведомство,Срок (due date)\nM-9,X,KG-MOE,2015-01-01\n';
    const parsed = await parseMeasureFile(Buffer.from(csv), 'm.csv', 'text/csv');
    expect(parsed.columns).toEqual(['code', 'title', 'leadAgency', 'dueOn']);
    expect(parsed.unknownColumns).toEqual([]);
  });

  it('refuses UTF-8 text with a stray byte, naming its line, instead of reading it all as Windows-1251', async () => {
    const good = Buffer.from('code,title,leadAgency,dueOn\nM-1,Контрольный список,KG-MOE,2015-01-01\n');
    const file = Buffer.concat([
      good,
      Buffer.from('M-2,Export '),
      Buffer.from([0x96]),
      Buffer.from(' control,KG-MOE,2015-01-01\n'),
    ]);
    await expect(parseMeasureFile(file, 'm.csv', 'text/csv')).rejects.toThrow(
      /line 3 is not valid UTF-8 while the rest of the file is/,
    );
    // the same stray byte in an otherwise plain ASCII file is Windows-1251 (and Windows-1252) for a dash
    expect(decodeText(Buffer.concat([Buffer.from('a '), Buffer.from([0x96]), Buffer.from(' b')]))).toBe(
      'a – b',
    );
  });

  it('decodes text that is not UTF-8 as Windows-1251, never with replacement characters', () => {
    expect(decodeText(cp1251('Ёмкость'))).toBe('Ёмкость');
    expect(decodeText(Buffer.from('Ёмкость'))).toBe('Ёмкость');
    expect(decodeText(Buffer.from([0xe9, 0x74, 0xe9]))).not.toContain('\uFFFD');
  });
});
