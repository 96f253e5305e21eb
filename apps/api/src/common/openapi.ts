import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'dueOn' }) field!: string;
  @ApiProperty({ example: 'dueOn must be a real date as YYYY-MM-DD' }) message!: string;
  @ApiPropertyOptional({
    example: 'agency_unknown',
    description:
      "some problems also as a code (agency_unknown, agency_not_shared, kind_unknown, version_unknown, lead_supporting) and its facts, for a client to word in its reader's language",
  })
  code?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    example: { value: 'KG-NOBODY' },
  })
  params?: Record<string, string | number>;
}

/** RFC 9457 problem details, as every error is answered (content type application/problem+json). */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'https://napflow.example.org/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'The request has invalid fields' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'dueOn: dueOn must be a real date as YYYY-MM-DD' }) detail!: string;
  @ApiPropertyOptional({ example: '/plans/KG-NAP-2013/cases' }) instance?: string;
  @ApiProperty({ example: 'validation_failed', description: 'stable machine-readable code' }) code!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: '400: each bad field' })
  errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input: each bad field is named in `errors`',
  401: 'no valid token',
  403: 'the caller may not do this',
  404: 'not found (or not visible to the caller)',
  409: 'conflict: already exists, the step is no longer open, or the action was already taken',
  413: 'body too large',
  422: 'valid request the process refuses, with its reason',
  503: 'PostgreSQL or Temporal unavailable',
};

/** Documents the problem-details answers of a route. */
export function ProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...[...new Set([...statuses, 503])].map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? `HTTP ${status}`,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
      }),
    ),
  );
}

/** Documents the Idempotency-Key header of a write. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'any unique string (1-200 visible ASCII); the same key again returns the first answer and acts once',
    }),
  );
}
