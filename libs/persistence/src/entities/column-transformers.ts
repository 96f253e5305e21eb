import { type ValueTransformer } from 'typeorm';

// pg returns numeric and bigint as strings (they may exceed a JS number); ours stay well inside 2^53.
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
