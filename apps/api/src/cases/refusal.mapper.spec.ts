import { en } from '../../../dashboard/src/i18n/en';
import { ru } from '../../../dashboard/src/i18n/ru';
import { REFUSAL_CODES, refusalToException } from './refusal.mapper';

describe('refusalToException', () => {
  it('maps the workflow refusal codes to 403, 404, 409 and 422', () => {
    const code = (c: string) => refusalToException(c, 'm').code;
    expect(code('wrong_agency')).toBe('forbidden');
    expect(code('not_allowed_for_role')).toBe('forbidden');
    expect(code('step_not_active')).toBe('step_not_open');
    expect(code('already_decided')).toBe('already_acted');
    expect(code('case_closed')).toBe('case_closed');
    expect(code('unknown_step')).toBe('not_found');
    expect(code('date_in_past')).toBe('process_refused');
    expect(code('something_new')).toBe('process_refused');
    expect(refusalToException('out_of_turn', 'not yet').details).toEqual({ reason: 'out_of_turn' });
  });

  it('gives the dashboard every refusal reason to word, in English and in Russian', () => {
    const worded = (dict: Record<string, string>) =>
      REFUSAL_CODES.filter((c) => typeof dict[`refusal.${c}`] === 'string');
    expect(worded(en)).toEqual(REFUSAL_CODES);
    expect(worded(ru)).toEqual(REFUSAL_CODES);
    for (const c of REFUSAL_CODES) {
      expect({ c, ru: ru[`refusal.${c}` as keyof typeof ru] }).toEqual({
        c,
        ru: expect.stringMatching(/^[А-ЯЁ][^A-Za-z]*$/),
      });
      expect(refusalToException(c, 'm').details).toEqual({ reason: c });
    }
  });
});
