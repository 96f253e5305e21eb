import { DomainErrorCode, DomainException } from './domain.exception';
import { nulPath, RefuseNulCharacterPipe } from './nul-character.pipe';

describe('nulPath', () => {
  it('names the first string or key holding NUL, with its path', () => {
    expect(nulPath({ a: 'x', b: [{ c: 'ok' }, { c: 'y\u0000' }] }, '', 0)).toBe('b[1].c');
    expect(nulPath({ ['k\u0000']: 1 }, '', 0)).toBe('k\u0000');
    expect(nulPath('a\u0000', 'id', 0)).toBe('id');
    expect(nulPath('\u0000', '', 0)).toBe('');
  });

  it('finds nothing in clean values, numbers, null and file bytes', () => {
    expect(nulPath({ a: 'x', b: [1, null, true, { c: 'ü 💥 \u0001' }] }, '', 0)).toBeNull();
    expect(nulPath(Buffer.from([0, 1, 2]), '', 0)).toBeNull();
    expect(nulPath(undefined, '', 0)).toBeNull();
  });
});

describe('RefuseNulCharacterPipe', () => {
  const pipe = new RefuseNulCharacterPipe();

  it('refuses a body, query or path value with NUL as a validation failure naming the field', () => {
    const refused = (value: unknown, type: 'body' | 'query' | 'param', data?: string) => {
      try {
        pipe.transform(value, { type, data });
      } catch (e) {
        expect(e).toBeInstanceOf(DomainException);
        expect((e as DomainException).code).toBe(DomainErrorCode.ValidationFailed);
        return (e as DomainException).details;
      }
      throw new Error('not refused');
    };
    expect(refused({ text: 'a\u0000' }, 'body')).toMatchObject({
      errors: [{ field: 'text', message: 'must not contain the NUL character (U+0000)' }],
    });
    expect(refused('x\u0000', 'param', 'id')).toMatchObject({ errors: [{ field: 'id' }] });
    expect(refused('\u0000', 'body')).toMatchObject({ errors: [{ field: 'body' }] });
    expect(refused('K\u0000G', 'query', 'stateCode')).toMatchObject({ errors: [{ field: 'stateCode' }] });
  });

  it('passes clean values through unchanged, and never looks at custom parameters (the principal)', () => {
    const body = { text: 'fine' };
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
    const principal = { name: '\u0000' };
    expect(pipe.transform(principal, { type: 'custom' })).toBe(principal);
  });
});
