import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { invalid } from './domain.exception';

const NUL = '\u0000';
/** Deeper than any request body napflow accepts; a body nested further is refused by its DTO anyway. */
const MAX_DEPTH = 32;

/**
 * Refuses a request whose body, query or path holds the NUL character (U+0000) anywhere, naming the field.
 * PostgreSQL stores no NUL in text or jsonb: let through, a comment or reason would fail its case's record in the
 * workflow on every retry (the case frozen), and a name or title would answer 500.
 */
@Injectable()
export class RefuseNulCharacterPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    // @Param('id'), @Query('state'), @Body('x') name their field; a whole body or query is walked from its root
    const at = nulPath(value, metadata.data ?? '', 0);
    if (at !== null) {
      throw invalid([{ field: at || metadata.type, message: 'must not contain the NUL character (U+0000)' }]);
    }
    return value;
  }
}

/** The path of the first string (or key) holding NUL, e.g. "steps[2].note"; null when there is none. */
export function nulPath(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nulPath(value[i], `${path}[${i}]`, depth + 1);
      if (at !== null) return at;
    }
    return null;
  }
  if (Buffer.isBuffer(value)) return null;
  for (const [key, v] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes(NUL)) return here;
    const at = nulPath(v, here, depth + 1);
    if (at !== null) return at;
  }
  return null;
}
