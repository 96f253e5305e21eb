// What starting a case would do, worked out by the engine itself before anything is written: whether its deadline
// has already passed and which of its first steps would start past their due date, with the first notice each of
// those will send (an old plan's measures imported years after their deadlines start overdue, and their focal points
// hear of it on the next business morning). The API shows it as warnings on create and import.
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

export interface StartPreview {
  /** the case's own deadline (dueOn), when it has already ended (midnight after it, the state's time) */
  caseDueOnPassed: string | null;
  /** steps active at the start whose due instant is already past, in definition order */
  overdueSteps: OverdueAtStart[];
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
            titles: { ...(state.definition.steps.find((d) => d.key === st.key)?.title ?? { en: st.title }) },
            dueOn: st.dueOn as string,
            assignees: st.assignees,
            firstNotice: st.nextNotices[0] ?? null,
          }));
  return { caseDueOnPassed, overdueSteps };
}
