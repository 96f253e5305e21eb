import { runInNewContext } from 'node:vm';
import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { en } from '../../../dashboard/src/i18n/en';
import { ru } from '../../../dashboard/src/i18n/ru';
import { DomainErrorCode, DomainException, statusOf, titleOf } from './domain.exception';
import { ProblemDetailsFilter } from './problem-details.filter';

describe(ProblemDetailsFilter.name, () => {
  const filter = new ProblemDetailsFilter();

  it("gives the dashboard every code's title: in English as the API words it, and in Russian", () => {
    const codes = [...Object.values(DomainErrorCode), 'internal'];
    const titles = (dict: Record<string, string>) =>
      Object.fromEntries(codes.map((code) => [code, dict[`problem.${code}`]]));
    const internal = filter.toProblem(new Error('boom'));
    expect(titles(en)).toEqual(
      Object.fromEntries(
        codes.map((code) => [code, code === 'internal' ? internal.title : titleOf(code as DomainErrorCode)]),
      ),
    );
    for (const [code, title] of Object.entries(titles(ru))) {
      expect({ code, title }).toEqual({ code, title: expect.stringMatching(/^[А-ЯЁ].*[а-яё]/) });
    }
  });

  describe('toProblem', () => {
    it('maps every domain code to a status and keeps the details', () => {
      for (const code of Object.values(DomainErrorCode)) {
        const p = filter.toProblem(
          new DomainException(code, 'why', { errors: [{ field: 'f', message: 'm' }] }),
        );
        expect(p).toMatchObject({
          status: statusOf(code),
          code,
          detail: 'why',
          errors: [{ field: 'f', message: 'm' }],
        });
        expect(p.type).toMatch(/^https:\/\//);
      }
    });

    it('answers 400 for malformed JSON and 413 for a huge body from the body parser', () => {
      expect(filter.toProblem(new BadRequestException('Unexpected token'))).toMatchObject({
        status: 400,
        code: 'malformed_body',
      });
      expect(filter.toProblem(new PayloadTooLargeException())).toMatchObject({
        status: 413,
        code: 'payload_too_large',
      });
      const raw = Object.assign(new Error('request entity too large'), {
        status: 413,
        expose: true,
        type: 'entity.too.large',
      });
      expect(filter.toProblem(raw)).toMatchObject({ status: 413 });
      expect(filter.toProblem(new HttpException('slow down', 429))).toMatchObject({
        status: 429,
        code: 'too_many_requests',
      });
    });

    it('answers 503 when PostgreSQL or Temporal cannot be reached', () => {
      expect(
        filter.toProblem(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
        ),
      ).toMatchObject({
        status: 503,
        code: 'database_unavailable',
      });
      expect(
        filter.toProblem(Object.assign(new Error('Connection terminated unexpectedly'), {})),
      ).toMatchObject({ status: 503 });
      const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
        name: 'ServiceError',
        code: 14,
      });
      expect(filter.toProblem(grpc)).toMatchObject({ status: 503, code: 'temporal_unavailable' });
    });

    it('answers 503 for driver errors made in another realm (jest sandbox, vm context): by shape, not instanceof', () => {
      const foreign = (source: string): unknown => runInNewContext(source) as unknown;
      const refused = foreign(
        "Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })",
      );
      expect(refused instanceof Error).toBe(false);
      expect(filter.toProblem(refused)).toMatchObject({ status: 503, code: 'database_unavailable' });
      const wrapped = foreign(
        "Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: new Error('Connection terminated unexpectedly') })",
      );
      expect(filter.toProblem(wrapped)).toMatchObject({ status: 503, code: 'database_unavailable' });
      const grpc = foreign(
        "Object.assign(new Error('start failed'), { cause: Object.assign(new Error('14 UNAVAILABLE'), { name: 'ServiceError', code: 14 }) })",
      );
      expect(filter.toProblem(grpc)).toMatchObject({ status: 503, code: 'temporal_unavailable' });
      // a foreign error that is a bug stays a 500
      expect(filter.toProblem(foreign("new TypeError('x is undefined')"))).toMatchObject({ status: 500 });
    });

    it('answers 500 without internals for the unexpected', () => {
      const p = filter.toProblem(new TypeError('x is undefined at postgres://user:secret@db/napflow'));
      expect(p).toMatchObject({ status: 500, code: 'internal' });
      expect(JSON.stringify(p)).not.toMatch(/secret|undefined/);
    });
  });
});
