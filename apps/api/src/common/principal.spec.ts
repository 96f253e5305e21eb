import { todayOf } from './principal';

describe('todayOf', () => {
  it("is the date in the caller's state, in UTC for a caller without one", () => {
    const at = new Date('2026-07-01T20:30:00Z');
    expect(todayOf({ timeZone: 'Asia/Bishkek' }, at)).toBe('2026-07-02'); // 02:30 local
    expect(todayOf({ timeZone: 'America/New_York' }, at)).toBe('2026-07-01'); // 16:30 local
    expect(todayOf({ timeZone: null }, at)).toBe('2026-07-01');
  });
});
