import { refusalToException } from './refusal.mapper';

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
});
