// The case workflow: a thin durable shell around the pure case engine (@app/domain engine). The engine decides;
// this file keeps its state durable, turns people's actions (updates) and time (timers) into engine calls, and
// records every result through activities: the read model and audit trail first, then the notifications.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities, CalendarData } from '@app/activities/contracts';
import { calendarYearsNeeded } from '@app/domain/calendar/calendar-span';
import type { CaseSnapshot, NotificationRequest, StartCaseInput } from '@app/domain/case/case.types';
import {
  applyCommand,
  isClosed,
  nextWakeUp,
  onTime,
  startCase,
  toSnapshot,
  validateCommand,
} from '@app/domain/engine/case-engine';
import {
  type CaseCommand,
  type CaseState,
  CommandRefused,
  type EngineCalendar,
  type EngineContext,
  type EngineResult,
} from '@app/domain/engine/engine.types';
import {
  addCommentSignal,
  type CaseWorkflowInput,
  type ContinuedCaseState,
  completeStepUpdate,
  decideUpdate,
  extendDueDateUpdate,
  getStateQuery,
  reassignStepUpdate,
  recordMilestoneUpdate,
  UNTIL_THE_DATABASE_IS_BACK,
  withdrawCaseUpdate,
} from './definitions';
import { newStepsSignal, type NewStepsOfCase } from './import-notices.definitions';
import { NOTIFY_ALL_OPTIONS, NOTIFY_OPTIONS, sendTogether } from './send-notices';

const MAX_REMEMBERED_UPDATE_IDS = 500;
/** patched() ids of changes to running cases; deprecatePatch() them once no older history is open. */
const CALENDAR_REFRESH_PER_RUN = 'napflow-calendar-refresh-per-run';
const COALESCE_MISSED_NOTICES = 'napflow-coalesce-missed-notices';
const LOCAL_RECORD_TRANSITION = 'napflow-local-record-transition';
/**
 * Stands for the three above in runs that began after it (one marker instead of three), and guards what came with
 * it: the calendar resolved by a local activity.
 */
const ALL_PATCHES_OF_2026_11 = 'napflow-patches-2026-11';
/** The notices of a transition go out in one notifyAll activity instead of one notify activity each. */
const NOTIFY_IN_ONE_ACTIVITY = 'napflow-notify-in-one-activity';
/**
 * Stands for every patch above in runs that began after it (one marker, and one search attribute upsert, per run
 * instead of two), and so guards what came with it: the notices of a transition sent by one notifyAll activity.
 */
const ALL_PATCHES_OF_2026_11_28 = 'napflow-patches-2026-11-28';
/**
 * Stands for every patch above in runs that began after it, and guards what came with it: an imported case records
 * its first steps for the import's notices workflow with its start's record (one statement) instead of signalling
 * that workflow, and signals only when the workflow's handover is not open.
 */
const ALL_PATCHES_OF_2026_11_29 = 'napflow-patches-2026-11-29';
/** Continue as new at this many events even if the server never suggests it (the server suggests at ~4K). */
const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 4_000;
/** Every transition records the whole case: keep a run's history well under the server's 50 MB limit. */
const CONTINUE_AS_NEW_AFTER_BYTES = 8 * 1024 * 1024;
const HOUR_MS = 3_600_000;

const { resolveCalendar, recordTransition } = proxyActivities<CaseActivities>(UNTIL_THE_DATABASE_IS_BACK);

/**
 * The same record as a local activity: run by the worker inside the workflow task, without the two server round
 * trips of a scheduled activity, so a decision answers sooner and a run's history holds one marker per record
 * instead of three activity events. Retried the same way while the database is away.
 */
const { recordTransition: recordTransitionLocally, resolveCalendar: resolveCalendarLocally } =
  proxyLocalActivities<CaseActivities>(UNTIL_THE_DATABASE_IS_BACK);

const { notify } = proxyActivities<CaseActivities>(NOTIFY_OPTIONS);
const { notifyAll } = proxyActivities<CaseActivities>(NOTIFY_ALL_OPTIONS);

function isContinued(input: CaseWorkflowInput): input is { continued: ContinuedCaseState } {
  return 'continued' in input;
}

/** The years a calendar must cover now: from last year (time zones) to two years ahead and the latest due date. */
function yearsNeeded(
  state: CaseState | undefined,
  dueOn: string | null,
): { fromYear: number; toYear: number } {
  return calendarYearsNeeded(Date.now(), [dueOn, ...(state ? state.steps.map((s) => s.dueOn) : [])]);
}

function toEngineCalendar(calendar: CalendarData): EngineCalendar {
  return {
    timeZone: calendar.timeZone,
    nonWorkingDates: calendar.nonWorkingDates,
    weekendDays: calendar.weekendDays,
  };
}

/** A notice that a step is an agency's to act on (an import's notices workflow lists these per agency). */
function isAgencyAssignment(n: NotificationRequest): boolean {
  return (
    n.kind === 'step_assigned' && !n.toCoordinators && n.toAgencies.length > 0 && n.stepKey !== undefined
  );
}

function refusal(error: CommandRefused): ApplicationFailure {
  return ApplicationFailure.create({
    message: error.message,
    type: error.code,
    nonRetryable: true,
    details: [{ code: error.code }],
  });
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseSnapshot> {
  const continued = isContinued(input) ? input.continued : undefined;
  const start = isContinued(input) ? undefined : input;
  const stateCode = continued ? continued.state.stateCode : (start as StartCaseInput).stateCode;
  const caseDueOn = continued ? continued.state.dueOn : (start as StartCaseInput).dueOn;
  const continueAsNewAfterEvents = continued
    ? continued.continueAsNewAfterEvents
    : start?.continueAsNewAfterEvents;
  const eventLimit = continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;

  let state: CaseState | undefined = continued?.state;
  let calendar: CalendarData | undefined = continued?.calendar;
  const outbox: NotificationRequest[] = continued ? [...continued.outbox] : [];
  const processedUpdateIds: string[] = continued ? [...continued.processedUpdateIds] : [];
  /** set by every handler that changed the state: the main loop re-arms its timer */
  let dirty = false;

  // One change at a time: handlers and timers await activities between reading and writing the state.
  let lock: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn);
    lock = run.catch(() => undefined);
    return run;
  }

  // one object per resolved calendar: the engine compiles a calendar once per object
  let engineCalendar: EngineCalendar | undefined = calendar && toEngineCalendar(calendar);

  // Every patch is decided once per run, at its start. A run that began under this code records one marker for all
  // of them (each patched() call also upserts a search attribute: one instead of four per case start, five per continued run); runs that
  // began earlier ask each patch in the order they always did, so their histories replay unchanged (and a run that
  // began before notifyAll asks for it when it next sends).
  const handOverByRecord = patched(ALL_PATCHES_OF_2026_11_29);
  const startedUnderLatestCode = handOverByRecord || patched(ALL_PATCHES_OF_2026_11_28);
  const startedUnderCurrentCode = startedUnderLatestCode || patched(ALL_PATCHES_OF_2026_11);
  // Runs that began before the rule keep sending every missed notice.
  const coalesceMissedNotices = startedUnderCurrentCode || patched(COALESCE_MISSED_NOTICES);
  // Runs that began recording through scheduled activities keep doing so.
  const record =
    startedUnderCurrentCode || patched(LOCAL_RECORD_TRANSITION) ? recordTransitionLocally : recordTransition;
  // The calendar too, in runs that began under this code: a case then starts within its first workflow task
  // (calendar, start, record) instead of waiting for a scheduled activity and a second task.
  const resolve = startedUnderCurrentCode ? resolveCalendarLocally : resolveCalendar;

  function ctx(): EngineContext {
    if (!engineCalendar) throw new Error('the calendar is not resolved yet');
    return {
      now: Date.now(),
      calendar: engineCalendar,
      workflowId: workflowInfo().workflowId,
      coalesceMissedNotices,
    };
  }

  /** Resolves the calendar when it does not cover the years the case needs now (or when asked to refresh). */
  async function ensureCalendar(refresh = false): Promise<void> {
    const needed = yearsNeeded(state, caseDueOn);
    const covers = calendar && calendar.fromYear <= needed.fromYear && calendar.toYear >= needed.toYear;
    if (covers && !refresh) return;
    calendar = await resolve({ stateCode, ...needed });
    engineCalendar = toEngineCalendar(calendar);
  }

  /**
   * Takes the engine's result: the new state, its record (awaited), then the notifications to send. If the record
   * fails for good (a non-retryable activity failure), the state stays as it was: nothing happened that the read
   * model and the audit trail do not show. The failure then fails the update (or, from a timer, the workflow).
   */
  async function commit(
    result: EngineResult,
    handover?: { importWorkflowId: string; steps: NewStepsOfCase['steps'] },
  ): Promise<boolean> {
    const before = state;
    state = result.state;
    dirty = true;
    let handedOver = false;
    if (result.events.length > 0 || result.notifications.length > 0 || handover) {
      try {
        const recorded = await record({
          snapshot: toSnapshot(result.state),
          events: result.events,
          ...(handover ? { handover } : {}),
        });
        handedOver = recorded?.handedOver === true;
      } catch (error) {
        state = before;
        throw error;
      }
    }
    outbox.push(...result.notifications);
    return handedOver;
  }

  function alreadyProcessed(): boolean {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && processedUpdateIds.includes(id);
  }

  function rememberUpdate(): void {
    const id = currentUpdateInfo()?.id;
    if (id === undefined) return;
    processedUpdateIds.push(id);
    if (processedUpdateIds.length > MAX_REMEMBERED_UPDATE_IDS) processedUpdateIds.shift();
  }

  /** Validator: refuses without touching history. Before the case has started, the handler checks instead. */
  function validate(command: CaseCommand): void {
    if (state === undefined || calendar === undefined || alreadyProcessed()) return;
    try {
      validateCommand(state, command, ctx());
    } catch (error) {
      if (error instanceof CommandRefused) throw refusal(error);
      throw error;
    }
  }

  async function handle(command: CaseCommand): Promise<CaseSnapshot> {
    await condition(() => state !== undefined);
    return exclusive(async () => {
      if (alreadyProcessed()) return toSnapshot(state as CaseState);
      await ensureCalendar();
      let result: EngineResult;
      try {
        // the state may have moved since the validator ran (handlers queue behind the lock)
        validateCommand(state as CaseState, command, ctx());
        result = applyCommand(state as CaseState, command, ctx());
      } catch (error) {
        if (error instanceof CommandRefused) throw refusal(error);
        throw error;
      }
      await commit(result);
      rememberUpdate();
      return toSnapshot(result.state);
    });
  }

  function command<A extends object>(type: CaseCommand['type'], args: A): CaseCommand {
    return { ...args, type } as unknown as CaseCommand;
  }

  // Every handler is registered before the first await: updates that arrive before their handler are rejected.
  setHandler(completeStepUpdate, (args) => handle(command('complete', args)), {
    validator: (args) => validate(command('complete', args)),
  });
  setHandler(decideUpdate, (args) => handle(command('decide', args)), {
    validator: (args) => validate(command('decide', args)),
  });
  setHandler(recordMilestoneUpdate, (args) => handle(command('milestone', args)), {
    validator: (args) => validate(command('milestone', args)),
  });
  setHandler(extendDueDateUpdate, (args) => handle(command('extend_due_date', args)), {
    validator: (args) => validate(command('extend_due_date', args)),
  });
  setHandler(reassignStepUpdate, (args) => handle(command('reassign', args)), {
    validator: (args) => validate(command('reassign', args)),
  });
  setHandler(withdrawCaseUpdate, (args) => handle(command('withdraw', args)), {
    validator: (args) => validate(command('withdraw', args)),
  });

  setHandler(addCommentSignal, async (args) => {
    const comment = command('comment', args);
    await condition(() => state !== undefined);
    await exclusive(async () => {
      if (isClosed(state as CaseState)) return;
      await ensureCalendar();
      try {
        validateCommand(state as CaseState, comment, ctx());
        await commit(applyCommand(state as CaseState, comment, ctx()));
      } catch (error) {
        // a signal cannot answer: a refused comment is dropped and logged
        if (error instanceof CommandRefused)
          log.warn('comment refused', { code: error.code, reason: error.message });
        else throw error;
      }
    });
  });

  setHandler(getStateQuery, () => {
    if (state === undefined) throw new Error('the case is starting');
    return toSnapshot(state);
  });

  // Notifications go out behind the transitions that caused them, without holding up the updates.
  let sending = false;
  async function sendNotifications(): Promise<void> {
    for (;;) {
      await condition(() => outbox.length > 0);
      sending = true;
      const batch = outbox.slice();
      // Runs that began sending one activity per notice keep doing so where their history did; then one per batch.
      if (startedUnderLatestCode || patched(NOTIFY_IN_ONE_ACTIVITY)) await sendTogether(notifyAll, batch);
      else await Promise.all(batch.map(sendOne));
      outbox.splice(0, batch.length);
      sending = false;
    }
  }

  async function sendOne(request: NotificationRequest): Promise<void> {
    try {
      await notify(request);
    } catch (error) {
      // only a non-retryable failure gets here: the request itself is wrong, resending cannot help
      if (!(error instanceof ActivityFailure)) throw error;
      log.error('notification dropped', {
        key: request.key,
        kind: request.kind,
        error: error.cause?.message,
      });
    }
  }
  void sendNotifications();

  /** The start's notices to agencies as the import's notices workflow lists them. */
  function newSteps(notices: NotificationRequest[]): NewStepsOfCase['steps'] {
    return notices.map((n) => ({
      caseCode: String(n.data.caseCode),
      caseTitle: String(n.data.caseTitle),
      stepKey: n.stepKey as string,
      stepTitle: n.data.stepTitle,
      dueOn: typeof n.data.dueOn === 'string' ? n.data.dueOn : null,
      agencies: n.toAgencies,
    }));
  }

  /** To the import's notices workflow; if it cannot take them (it has finished), they go out from here. */
  async function handOver(importNotices: string, notices: NotificationRequest[]): Promise<void> {
    try {
      await getExternalWorkflowHandle(importNotices).signal(newStepsSignal, {
        workflowId: workflowInfo().workflowId,
        steps: newSteps(notices),
      });
    } catch (error) {
      log.warn("the import's notices workflow did not take the case's new steps: they are sent one by one", {
        importNotices,
        error: error instanceof Error ? error.message : String(error),
      });
      outbox.push(...notices);
    }
  }

  const idle = () => allHandlersFinished() && outbox.length === 0 && !sending;
  const continueAsNewDue = () => {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      info.historyLength >= eventLimit ||
      info.historySize >= CONTINUE_AS_NEW_AFTER_BYTES
    );
  };

  // Start (or resume), then loop on the next instant the engine wants to be woken at.
  await exclusive(async () => {
    // A new run also picks up the non-working days an administrator added since the last one. Runs continued
    // before this change did not refresh: guarded, so their histories still replay (test/replay/histories/v1-*).
    await ensureCalendar(
      continued !== undefined && (startedUnderCurrentCode || patched(CALENDAR_REFRESH_PER_RUN)),
    );
    if (!start) return;
    let started: EngineResult;
    try {
      started = startCase(start, ctx());
    } catch (error) {
      // an input the API should have refused: fail the case at once instead of retrying its first task forever
      if (error instanceof Error && !(error instanceof ApplicationFailure)) {
        throw ApplicationFailure.nonRetryable(
          error.message,
          error instanceof CommandRefused ? error.code : 'invalid_case_input',
        );
      }
      throw error;
    }
    // an imported case hands its start's notices to agencies over to the import's notices workflow
    const announceTo = start.announceNewStepsTo;
    const handedOver = announceTo ? started.notifications.filter(isAgencyAssignment) : [];
    if (handedOver.length === 0) {
      await commit(started);
      return;
    }
    const rest = { ...started, notifications: started.notifications.filter((n) => !handedOver.includes(n)) };
    if (!handOverByRecord) {
      await commit(rest);
      await handOver(announceTo as string, handedOver);
      return;
    }
    // recorded with the start when the import's handover is open; a signal only when it is not (not yet, or closed)
    const steps = newSteps(handedOver);
    if (!(await commit(rest, { importWorkflowId: announceTo as string, steps })))
      await handOver(announceTo as string, handedOver);
  });

  let lastWake = Number.NEGATIVE_INFINITY;
  for (;;) {
    const current = state as CaseState;
    if (isClosed(current)) break;
    if (continueAsNewDue()) {
      await condition(idle);
      if (!isClosed(state as CaseState)) {
        await continueAsNew<typeof caseWorkflow>({
          continued: {
            state: state as CaseState,
            calendar: calendar as CalendarData,
            outbox: [...outbox],
            processedUpdateIds,
            continueAsNewAfterEvents,
            run: (continued?.run ?? 0) + 1,
          },
        });
      }
      continue;
    }
    dirty = false;
    const woken = () => dirty || continueAsNewDue();
    let wake = nextWakeUp(current);
    if (wake === null) {
      await condition(woken);
      continue;
    }
    if (wake <= lastWake) {
      // the engine asked again for an instant it was already woken at: never spin, look again in an hour
      log.error('nextWakeUp did not move forward', { wake: new Date(wake).toISOString() });
      wake = Date.now() + HOUR_MS;
    }
    if (await condition(woken, Math.max(wake - Date.now(), 1))) continue;
    lastWake = wake;
    await exclusive(async () => {
      await ensureCalendar();
      await commit(onTime(state as CaseState, ctx()));
    });
  }

  // The final notices (case closed) go out before the workflow completes.
  await condition(idle);
  return toSnapshot(state as CaseState);
}
