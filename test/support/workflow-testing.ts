// Helpers for workflow tests in the time-skipping test server: the installed binary, the case activities
// faked and recorded with their simulated time, and moving the server's clock to exact instants.
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DefaultLogger,
  type LogLevel,
  makeTelemetryFilterString,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { DateTime } from 'luxon';
import type { CalendarData, CaseActivities, NotifyOutcome, NotifyResult } from '@app/activities/contracts';
import { resolveTestServer } from '@app/devstack/temporal-binaries';
import type { CaseEvent, CaseSnapshot, NotificationRequest } from '@app/domain/case/case.types';
import {
  addToLists,
  type ClosedHandover,
  type NewStepsOfCase,
} from '@app/workflows/import-notices.definitions';

/** The time-skipping test server (TEMPORAL_TEST_SERVER → PATH → .tools/python/bin), installed by scripts/install-tools.js. */
export function testServerPath(): string {
  return resolveTestServer().path;
}

let runtimeInstalled = false;
/** Worker and bundler logs at ERROR (NAPFLOW_TEST_LOG_LEVEL to change): retries and refusals are expected here. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    const level = (process.env.NAPFLOW_TEST_LOG_LEVEL ?? 'ERROR') as LogLevel;
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
    });
  } catch {
    // already installed by the test file: keep its settings
  }
}

export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
}

/** Moves the test server's clock forward to an exact instant, firing every timer due on the way. */
export async function advanceTo(env: TestWorkflowEnvironment, instant: string | number): Promise<void> {
  const target = typeof instant === 'number' ? instant : Date.parse(instant);
  const now = await env.currentTimeMs();
  if (target < now) {
    throw new Error(
      `the test server's clock (${new Date(now).toISOString()}) is already past ${new Date(target).toISOString()}`,
    );
  }
  if (target > now) await env.sleep(target - now);
}

/** `2040-03-05 Mon 09:00`: an instant in a zone, to the minute, with its weekday. */
export function localMinute(instant: string | number, zone = 'Asia/Bishkek'): string {
  const dt =
    typeof instant === 'number'
      ? DateTime.fromMillis(instant, { zone, locale: 'en' })
      : DateTime.fromISO(instant, { zone, locale: 'en' });
  return dt.toFormat('yyyy-MM-dd ccc HH:mm');
}

/** The instant of a local wall-clock time, e.g. `local('2040-03-05 09:00')`. */
export function local(wallClock: string, zone = 'Asia/Bishkek'): string {
  const dt = DateTime.fromFormat(wallClock, 'yyyy-MM-dd HH:mm', { zone });
  if (!dt.isValid) throw new Error(`bad wall-clock time ${wallClock}`);
  return dt.toUTC().toISO() ?? '';
}

export async function envNow(env: TestWorkflowEnvironment): Promise<string> {
  return new Date(await env.currentTimeMs()).toISOString();
}

/** Kyrgyzstan's fixed-date public holidays (the movable ones — Orozo Ait, Kurman Ait — are left out on purpose). */
export const KG_FIXED_HOLIDAYS = [
  '01-01',
  '01-07',
  '02-23',
  '03-08',
  '03-21',
  '05-01',
  '05-05',
  '05-09',
  '08-31',
  '11-07',
  '11-08',
];

export interface FakeCalendarOptions {
  /** MM-DD recurring each year */
  yearly?: string[];
  /** extra YYYY-MM-DD dates */
  dates?: string[];
  weekendDays?: number[];
}

export interface RecordedNotification {
  /** simulated instant the workflow scheduled the notify activity */
  at: string;
  request: NotificationRequest;
}

export interface RecordedTransition {
  at: string;
  snapshot: CaseSnapshot;
  events: CaseEvent[];
}

export interface RecordedCalendarCall {
  at: string;
  input: { stateCode: string; fromYear: number; toYear: number };
}

/** The time-skipping server of the running withTimeSkippingWorker (tests run one at a time per file). */
let timeSkippingEnv: TestWorkflowEnvironment | undefined;

/**
 * When the workflow asked for the activity, in simulated time. A scheduled activity carries the server's time; a
 * local activity is scheduled by the worker on its own (real) clock, so its simulated time is asked of the
 * time-skipping server, which does not move while the workflow task that runs it is open.
 */
async function scheduledAt(): Promise<string> {
  const info = Context.current().info;
  if (info.isLocal && timeSkippingEnv) return new Date(await timeSkippingEnv.currentTimeMs()).toISOString();
  return new Date(info.scheduledTimestampMs).toISOString();
}

/** The case activities, faked: each call is recorded with the simulated time the workflow scheduled it. */
export class FakeCaseActivities {
  readonly notifications: RecordedNotification[] = [];
  readonly transitions: RecordedTransition[] = [];
  readonly calendarCalls: RecordedCalendarCall[] = [];
  /** notify throws this many times (per key) before succeeding: a flaky SMTP relay */
  notifyFailuresPerKey = 0;
  private readonly attempts = new Map<string, number>();

  constructor(private readonly calendar: FakeCalendarOptions = { yearly: KG_FIXED_HOLIDAYS }) {}

  /** The object to pass as `activities` to a Worker. */
  readonly activities: CaseActivities = {
    resolveCalendar: async (input): Promise<CalendarData> => {
      this.calendarCalls.push({ at: await scheduledAt(), input });
      const nonWorkingDates: string[] = [];
      for (let year = input.fromYear; year <= input.toYear; year++) {
        for (const md of this.calendar.yearly ?? []) nonWorkingDates.push(`${year}-${md}`);
      }
      for (const date of this.calendar.dates ?? []) {
        const year = Number(date.slice(0, 4));
        if (year >= input.fromYear && year <= input.toYear) nonWorkingDates.push(date);
      }
      return {
        stateCode: input.stateCode,
        timeZone: input.stateCode === 'TJ' ? 'Asia/Dushanbe' : 'Asia/Bishkek',
        nonWorkingDates: nonWorkingDates.sort(),
        weekendDays: this.calendar.weekendDays ?? [6, 7],
        fromYear: input.fromYear,
        toYear: input.toYear,
      };
    },
    recordTransition: async (input) => {
      const at = await scheduledAt();
      this.transitions.push({ at, snapshot: input.snapshot, events: input.events });
      if (!input.handover) return undefined;
      // as the database does: recorded while the handover is open, and found again by a retry
      const { importWorkflowId, steps } = input.handover;
      const handover = this.handovers.get(importWorkflowId);
      const caseWorkflowId = input.snapshot.workflowId;
      if (handover?.closed === false && !handover.cases.has(caseWorkflowId))
        handover.cases.set(caseWorkflowId, { steps, at: Date.parse(at) });
      return { handedOver: handover?.cases.has(caseWorkflowId) === true };
    },
    openImportHandover: async ({ importWorkflowId }) => {
      this.handoverCalls.push({ at: await scheduledAt(), call: 'open', importWorkflowId });
      if (!this.handovers.has(importWorkflowId))
        this.handovers.set(importWorkflowId, { closed: false, cases: new Map() });
    },
    countImportHandover: async ({ importWorkflowId }) => {
      this.handoverCalls.push({ at: await scheduledAt(), call: 'count', importWorkflowId });
      const cases = [...(this.handovers.get(importWorkflowId)?.cases.values() ?? [])];
      return {
        cases: cases.length,
        lastRecordedAt: cases.length === 0 ? null : Math.max(...cases.map((c) => c.at)),
      };
    },
    closeImportHandover: async ({ importWorkflowId }) => {
      this.handoverCalls.push({ at: await scheduledAt(), call: 'close', importWorkflowId });
      const handover = this.handovers.get(importWorkflowId) ?? { closed: true, cases: new Map() };
      handover.closed = true;
      this.handovers.set(importWorkflowId, handover);
      const byAgency: ClosedHandover['byAgency'] = {};
      for (const [workflowId, { steps }] of [...handover.cases].sort(([a], [b]) => (a < b ? -1 : 1)))
        addToLists(byAgency, { workflowId, steps });
      return { cases: handover.cases.size, byAgency };
    },
    notify: (request) => {
      this.activityCalls.notify += 1;
      return this.deliver(request);
    },
    // like the real activity: a temporary failure of any request retries the batch, and the retry skips what went
    // out (a first attempt records every request, so a workflow asking twice for one key still shows)
    notifyAll: async (requests): Promise<NotifyOutcome[]> => {
      this.activityCalls.notifyAll += 1;
      const retry = Context.current().info.attempt > 1;
      const settled = await Promise.allSettled(
        requests.map((r) =>
          retry && this.delivered.has(r.key) ? this.result(r, 'already_sent') : this.deliver(r),
        ),
      );
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.map((s) => (s as PromiseFulfilledResult<NotifyResult>).value);
    },
  };

  /** Imports' handovers, as the database holds them (migration ImportHandovers): open or closed, and who recorded. */
  readonly handovers = new Map<
    string,
    { closed: boolean; cases: Map<string, { steps: NewStepsOfCase['steps']; at: number }> }
  >();
  /** Every handover activity, with its simulated time. */
  readonly handoverCalls: Array<{ at: string; call: 'open' | 'count' | 'close'; importWorkflowId: string }> =
    [];

  /** Activities run per kind: `notify` once per notice, `notifyAll` once per transition's notices. */
  readonly activityCalls = { notify: 0, notifyAll: 0 };

  private readonly delivered = new Set<string>();

  private result(request: NotificationRequest, status: NotifyResult['status']): NotifyResult {
    return {
      key: request.key,
      status,
      recipients: request.toAgencies.length + (request.toCoordinators ? 1 : 0),
    };
  }

  private async deliver(request: NotificationRequest): Promise<NotifyResult> {
    const attempt = (this.attempts.get(request.key) ?? 0) + 1;
    this.attempts.set(request.key, attempt);
    if (attempt <= this.notifyFailuresPerKey) throw new Error(`SMTP relay unavailable (attempt ${attempt})`);
    this.delivered.add(request.key);
    this.notifications.push({ at: await scheduledAt(), request });
    return this.result(request, 'sent');
  }

  /**
   * Notifications as `kind step yyyy-MM-dd ccc HH:mm` in a time zone (to the minute: the activity is scheduled a
   * few real milliseconds after the timer fires), optionally of some kinds only.
   */
  timeline(zone = 'Asia/Bishkek', kinds?: string[]): string[] {
    // notices requested in one workflow task go out concurrently: order by minute, then by text
    return this.notifications
      .filter((n) => kinds === undefined || kinds.includes(n.request.kind))
      .map((n) => ({
        minute: localMinute(n.at, zone),
        text: `${n.request.kind} ${n.request.stepKey ?? '-'} ${localMinute(n.at, zone)}`,
      }))
      .sort((a, b) =>
        a.minute === b.minute ? a.text.localeCompare(b.text) : a.minute.localeCompare(b.minute),
      )
      .map((n) => n.text);
  }

  lastSnapshot(): CaseSnapshot | undefined {
    return this.transitions.at(-1)?.snapshot;
  }
}

/** Runs `fn` with a case worker (fake activities, a prebuilt bundle) on a fresh time-skipping server. */
export async function withTimeSkippingWorker<T>(
  options: { bundle: WorkflowBundleWithSourceMap; activities: CaseActivities; taskQueue: string },
  fn: (env: TestWorkflowEnvironment) => Promise<T>,
): Promise<T> {
  const env = await createTimeSkippingEnv();
  timeSkippingEnv = env;
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: options.taskQueue,
      workflowBundle: options.bundle,
      activities: options.activities,
    });
    return await worker.runUntil(() => fn(env));
  } finally {
    timeSkippingEnv = undefined;
    await env.teardown();
  }
}

/** Events in a run's history (fetchHistory of the handle's run). */
export async function historyLength(handle: {
  fetchHistory(): Promise<{ events?: unknown[] | null }>;
}): Promise<number> {
  return (await handle.fetchHistory()).events?.length ?? 0;
}

/** Polls `probe` until it returns a value (not undefined, not throwing), for at most `timeoutMs` of real time. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
