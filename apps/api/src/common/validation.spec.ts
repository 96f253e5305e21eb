import { isLocalDate } from './validation';

describe('isLocalDate', () => {
  it('accepts real calendar dates only', () => {
    for (const ok of ['2013-03-22', '2016-02-29', '2015-01-01']) expect(isLocalDate(ok)).toBe(true);
    for (const bad of [
      '2015-02-30',
      '2015-02-29',
      '2015-13-01',
      '2015-1-1',
      '2015-01-01T00:00:00Z',
      '',
      20150101,
      null,
    ]) {
      expect(isLocalDate(bad)).toBe(false);
    }
  });
});

describe('isLocalDate years', () => {
  it('takes dates in 1970-2079 only: the holiday data a case calendar needs ends in 2080', () => {
    for (const ok of ['1970-01-01', '2079-12-31', '2040-02-29']) expect(isLocalDate(ok)).toBe(true);
    for (const bad of ['1969-12-31', '2080-01-01', '2085-01-01', '9999-12-31', '0000-01-01'])
      expect(isLocalDate(bad)).toBe(false);
  });
});
