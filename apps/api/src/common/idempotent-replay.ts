/** Thrown to answer a repeated request with the first one's stored answer; the filter writes it as is. */
export class IdempotentReplay {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
