/**
 * A failure to provide a service, with the one thing a person should do about it. The dev stack
 * throws only this, so `npm start` and the jest global setup can print `message` + `hint` instead
 * of a bare stack trace.
 */
export class DevStackError extends Error {
  constructor(
    readonly service: 'temporal' | 'postgres' | 'smtp' | 'devstack',
    message: string,
    readonly hint: string,
    readonly details?: string,
    private readonly detailsLabel = 'last output',
  ) {
    super(message);
    this.name = 'DevStackError';
  }

  /** Multi-line, human text: what failed, what to do, and the tail of the child's output if any. */
  describe(): string {
    const lines = [`[napflow:${this.service}] ${this.message}`, `  what to do: ${this.hint}`];
    if (this.details)
      lines.push(`  ${this.detailsLabel}:`, ...this.details.split('\n').map((l) => `    ${l}`));
    return lines.join('\n');
  }
}

/** Prints a DevStackError as its description, anything else as message + stack. */
export function describeStartupError(err: unknown): string {
  if (err instanceof DevStackError) return err.describe();
  if (err instanceof Error) return `[napflow] ${err.message}\n${err.stack ?? ''}`;
  return `[napflow] ${String(err)}`;
}

/** Keeps the last `max` characters of a child's output, for error messages. */
export class OutputTail {
  private text = '';
  constructor(private readonly max = 4000) {}
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }
  toString(): string {
    return this.text.trimEnd();
  }
}
