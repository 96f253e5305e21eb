import ExcelJS from 'exceljs';
import { parseMeasureFile, UnreadableFileError } from './measure-file.parser';

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
});
