import { DomainErrorCode, DomainException } from './domain.exception';

// The Temporal client retries an unreachable server for ~20 s per call. People should not wait that long to hear
// that the workflow engine is down: after a short while we ask the server directly (a cheap call, bounded), and
// answer 503 at once if it does not answer; otherwise we keep waiting for the call, up to a ceiling.

export interface DeadlineOptions {
  /** when to start doubting the call (ms) */
  checkAfterMs?: number;
  /** how long the reachability probe may take (ms) */
  probeMs?: number;
  /** give up after this long even if Temporal answers probes (e.g. no worker is running) */
  maxMs?: number;
}

export class TemporalUnavailable extends DomainException {
  constructor(detail: string) {
    super(DomainErrorCode.TemporalUnavailable, detail);
  }
}

export async function withTemporalDeadline<T>(
  op: Promise<T>,
  ping: () => Promise<boolean>,
  opts: DeadlineOptions = {},
): Promise<T> {
  const checkAfter = opts.checkAfterMs ?? 3000;
  const probeMs = opts.probeMs ?? 2000;
  const maxMs = opts.maxMs ?? 60_000;
  const timers: NodeJS.Timeout[] = [];
  const sleep = (ms: number) =>
    new Promise<'timeout'>((resolve) => timers.push(setTimeout(() => resolve('timeout'), ms)));
  // the operation may still fail after we gave up: nobody listens then
  op.catch(() => undefined);
  try {
    const first = await Promise.race([op.then((v) => ({ v })), sleep(checkAfter)]);
    if (first !== 'timeout') return first.v;
    const reachable = await Promise.race([ping().catch(() => false), sleep(probeMs).then(() => false)]);
    if (!reachable) throw new TemporalUnavailable('Temporal cannot be reached; try again shortly');
    const second = await Promise.race([op.then((v) => ({ v })), sleep(Math.max(maxMs - checkAfter, 0))]);
    if (second !== 'timeout') return second.v;
    throw new TemporalUnavailable(
      'The case workflow did not answer in time (is the napflow worker running?); try again shortly',
    );
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}
