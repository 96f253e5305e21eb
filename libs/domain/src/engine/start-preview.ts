// What starting a case would do, worked out by the engine itself before anything is written: whether its deadline
// has already passed and which of its first steps would start past their due date, with the first notice each of
// those will send (an old plan's measures imported years after their deadlines start overdue, and their focal points
// hear of it on the next business morning), and every step agencies will act on with those agencies (the API warns
// when one of them has nobody to email). The API shows it as warnings on create and import.
import type { ScheduledNotice, StartCaseInput } from '../case/case.types';
import type { StepTitles } from '../process/step-titles';
import { compiledCalendar, localInstantN } from '../calendar/business-calendar';
import { parseDate } from '../calendar/civil-date';
import { startCase, toSnapshot } from './case-engine';
import type { EngineContext } from './engine.types';

export interface OverdueAtStart {
  key: string;
  /** the step's name in each language of the definition */
  titles: StepTitles;
  dueOn: string;
  /** agency codes the step is assigned to */
  assignees: string[];
  /** the step's first notice after the start (a catch-up overdue notice, an escalation), if any */
  firstNotice: ScheduledNotice | null;
}

/** A step of the case that agencies act on, and those agencies (the national coordinator's slots left out). */
export interface AssignedStep {
  key: string;
  titles: StepTitles;
  agencies: string[];
}

export interface StartPreview {
  /** the case's own deadline (dueOn), when it has already ended (midnight after it, the state's time) */
  caseDueOnPassed: string | null;
  /** steps active at the start whose due instant is already past, in definition order */
  overdueSteps: OverdueAtStart[];
  /** every step agencies will act on (now or later in the case), in definition order: who must be reachable */
  assignedSteps: AssignedStep[];
}

/**
 * Runs the engine's start at `ctx.now` and reports what would be past due. Throws as startCase does
 * (CommandRefused 'invalid', DefinitionError) when the case cannot start at all.
 */
export function previewStart(input: StartCaseInput, ctx: EngineContext): StartPreview {
  const { state } = startCase(input, ctx);
  // a case's own deadline ends at midnight after its date, the state's time (a step's at 18:00 of its business day)
  const caseDueOnPassed =
    input.dueOn !== null &&
    localInstantN(compiledCalendar(ctx.calendar), parseDate(input.dueOn) + 1, 0) <= ctx.now
      ? input.dueOn
      : null;
  const titlesOf = (key: string, fallback: string): StepTitles => ({
    ...(state.definition.steps.find((d) => d.key === key)?.title ?? { en: fallback }),
  });
  const late = new Set(
    state.steps
      .filter((st) => st.status === 'active' && st.dueOn !== null && st.dueAt !== null && st.dueAt <= ctx.now)
      .map((st) => st.key),
  );
  // the snapshot (assignees, next notices) only when there is something to say: most starts have nothing past due
  const overdueSteps =
    late.size === 0
      ? []
      : toSnapshot(state)
          .steps.filter((st) => late.has(st.key))
          .map((st) => ({
            key: st.key,
            titles: titlesOf(st.key, st.title),
            dueOn: st.dueOn as string,
            assignees: st.assignees,
            firstNotice: st.nextNotices[0] ?? null,
          }));
  const assignedSteps = state.steps
    .filter((st) => st.status !== 'skipped')
    .map((st) => ({
      key: st.key,
      titles: titlesOf(st.key, st.key),
      agencies: st.slots.filter((a) => a !== 'coordinator' && !st.coordinatorSlots.includes(a)),
    }))
    .filter((st) => st.agencies.length > 0);
  return { caseDueOnPassed, overdueSteps, assignedSteps };
}
