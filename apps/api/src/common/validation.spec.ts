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
