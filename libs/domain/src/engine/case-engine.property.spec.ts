// Random walks through the shipped definitions: whatever people do and whenever time passes, the engine's
// invariants hold (the workflow shell relies on each of them).
import fc from 'fast-check';
import type { Actor, Decision } from '../case/case.types';
import { SHIPPED_DEFINITION_KEYS } from '../process/shipped-definitions';
import { applyCommand, nextWakeUp, onTime, startCase, toSnapshot } from './case-engine';
import { actor, ADMIN, COORDINATOR, ctx, startInput, t } from './case-engine.fixtures';
import { CommandRefused, type CaseCommand, type CaseState, type EngineResult } from './engine.types';

const ACTORS: Actor[] = [
  actor('KG-MOE'),
  actor('KG-CUSTOMS'),
  actor('KG-BORDER'),
  actor('KG-MOJ'),
  actor('TJ-MFA'),
  actor('KG-FIRE'),
  actor('KG-CUSTOMS', 'observer'),
  COORDINATOR,
  ADMIN,
];
const DECISIONS: Decision[] = ['approve', 'approve', 'approve_with_comments', 'request_changes', 'reject'];
const DAY = 86_400_000;

type Move = { kind: number; step: number; who: number; pick: number; days: number };

function commandFor(state: CaseState, m: Move, now: number): CaseCommand {
  const snap = toSnapshot(state);
  const steps = snap.steps;
  const active = steps.filter((s) => s.status === 'active');
  const st = (active.length && m.pick % 4 !== 0 ? active : steps)[
    m.step % (active.length && m.pick % 4 !== 0 ? active.length : steps.length)
  ];
  // Prefer an assignee most of the time, so walks make progress.
  const assignee = st.assignees.find((a) => a !== 'coordinator');
  const who =
    m.pick % 3 !== 0 && assignee
      ? actor(assignee)
      : st.assignees.includes('coordinator') && m.pick % 2
        ? COORDINATOR
        : ACTORS[m.who % ACTORS.length];
  const today = new Date(now + 6 * 3_600_000).toISOString().slice(0, 10);
  switch (m.kind % 12) {
    case 0:
    case 1:
    case 2:
      return {
        type: 'complete',
        stepKey: st.key,
        actor: who,
        attachments: m.pick % 5 ? [{ id: 'a', name: 'x.pdf' }] : undefined,
      };
    case 3:
    case 4:
    case 5:
      return { type: 'decide', stepKey: st.key, actor: who, decision: DECISIONS[m.pick % DECISIONS.length] };
    case 6:
    case 7:
      return { type: 'milestone', stepKey: st.key, actor: m.pick % 4 ? COORDINATOR : who, on: today };
    case 8:
      return {
        type: 'extend_due_date',
        stepKey: st.key,
        actor: COORDINATOR,
        dueOn: new Date(now + (m.days - 3) * DAY).toISOString().slice(0, 10),
        reason: 'r',
      };
    case 9:
      return {
        type: 'reassign',
        stepKey: st.key,
        actor: COORDINATOR,
        agency: 'KG-FIRE',
        reason: 'r',
        fromAgency: st.assignees[0],
      };
    case 10:
      return { type: 'comment', actor: who, text: m.pick % 7 ? 'note' : '' };
    default:
      return m.pick % 10 === 0
        ? { type: 'withdraw', actor: who, reason: 'r' }
        : { type: 'comment', actor: who, text: 'hello', stepKey: st.key };
  }
}

const move = fc.record({
  kind: fc.nat(),
  step: fc.nat(),
  who: fc.nat(),
  pick: fc.nat(),
  days: fc.integer({ min: 0, max: 40 }),
});

describe('case engine invariants', () => {
  it.each(SHIPPED_DEFINITION_KEYS)(
    '%s: refusals change nothing, seq is gapless, keys unique, timers settle',
    (kind) => {
      fc.assert(
        fc.property(fc.array(move, { minLength: 1, maxLength: 40 }), (moves) => {
          let now = t('2027-03-01', 10);
          let r: EngineResult = startCase(startInput(kind), ctx(now));
          let state = r.state;
          const keys = new Set<string>();
          let seq = 0;
          const take = (res: EngineResult, at: number) => {
            for (const e of res.events) expect(e.seq).toBe(++seq);
            expect(res.state.seq).toBe(seq);
            for (const n of res.notifications) {
              expect(keys.has(n.key)).toBe(false);
              keys.add(n.key);
            }
            const wake = nextWakeUp(res.state);
            if (wake !== null) expect(wake).toBeGreaterThan(at);
            if (res.state.status !== 'active') expect(wake).toBeNull();
            const p = toSnapshot(res.state).progress;
            expect(p >= 0 && p <= 1).toBe(true);
            state = res.state;
          };
          take(r, now);
          for (const m of moves) {
            if (state.status !== 'active') break;
            now += (m.days % 3 === 0 ? m.days : 0) * DAY + 3_600_000;
            const cmd = commandFor(state, m, now);
            const before = JSON.stringify({ ...state, calendar: null });
            try {
              r = applyCommand(state, cmd, ctx(now));
            } catch (e) {
              expect(e).toBeInstanceOf(CommandRefused);
              expect(JSON.stringify({ ...state, calendar: null })).toBe(before);
              r = onTime(state, ctx(now));
            }
            expect(JSON.stringify({ ...state, calendar: null })).toBe(before);
            take(r, now);
          }
        }),
        { numRuns: 60, seed: 1540 },
      );
    },
  );
});
