import type { CaseSnapshot, StepSnapshot } from '@app/domain/case/case.types';
import { DomainErrorCode, DomainException, forbidden } from '../common/domain.exception';
import type { Principal } from '../common/principal';

// Who may write to a case, decided in the API before the workflow is asked (the workflow's validators check
// again). Reads are scoped in the queries themselves (the repositories' AccessScope).

export type CaseAction =
  'complete' | 'decide' | 'milestone' | 'extend_due_date' | 'reassign' | 'withdraw' | 'comment';

/** Actions a focal point may take on steps of their agency; the others belong to the coordinator. */
const STEP_ACTIONS_FOR_ASSIGNEES = new Set<CaseAction>(['complete', 'decide', 'milestone']);

export interface ActingAs {
  /** set when the caller acts as deputy of an absent colleague of another agency */
  onBehalfOf?: { personId: string; agencyCode: string };
}

/**
 * Throws 403 when the caller may not take `action` on this case (or step); returns on whose behalf they act.
 * The case must already be visible to the caller (else the service answered 404).
 */
export function assertMayAct(
  p: Principal,
  c: Pick<CaseSnapshot, 'stateCode' | 'steps'>,
  action: CaseAction,
  stepKey?: string,
  /** colleagues the caller stands in for today (their absence period covers it) */
  deputyFor: { personId: string; agencyCode: string }[] = [],
): ActingAs {
  switch (p.role) {
    case 'admin':
      return {};
    case 'observer':
      throw forbidden('Observers have read-only access');
    case 'coordinator':
      if (c.stateCode !== p.stateCode) throw forbidden(`Coordinators act only on cases of their own state`);
      return {};
    case 'focal_point': {
      // A focal point of another state reads the case through a shared plan (the caller could not reach it
      // otherwise) and acts only on a step assigned to their own agency: the partner state's approval in a peer
      // review. The approve-by-email link, which the workflow checks by agency alone, allows the same.
      const ownState = c.stateCode === p.stateCode;
      const elsewhere =
        'Focal points act only on cases of their own state, or on steps assigned to their agency';
      if (action === 'comment') {
        if (!ownState) throw forbidden(elsewhere);
        return {};
      }
      if (!STEP_ACTIONS_FOR_ASSIGNEES.has(action)) {
        throw forbidden(ownState ? `Only the national coordinator may ${verb(action)}` : elsewhere);
      }
      const step = c.steps.find((s) => s.key === stepKey);
      if (!step)
        throw new DomainException(DomainErrorCode.NotFound, `The case has no step "${stepKey ?? ''}"`);
      if (concerns(step, p.agencyCode)) return {};
      if (!ownState) throw forbidden(elsewhere);
      const deputised = deputyFor.find((d) => concerns(step, d.agencyCode));
      if (deputised) return { onBehalfOf: deputised };
      throw forbidden(`The step "${step.key}" is not assigned to ${p.agencyCode}`);
    }
    default: {
      const never: never = p.role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

/** Assigned now, or acted before (so that a repeated action is reported by the workflow as 409, not as 403). */
function concerns(step: StepSnapshot, agency: string): boolean {
  return (
    step.assignees.includes(agency) ||
    (step.approval !== undefined && agency in step.approval.decisions) ||
    step.actions.some((a) => a.agency === agency && a.action !== 'started')
  );
}

function verb(action: CaseAction): string {
  switch (action) {
    case 'extend_due_date':
      return 'change a due date';
    case 'reassign':
      return 'reassign a step';
    case 'withdraw':
      return 'withdraw a case';
    case 'complete':
    case 'decide':
    case 'milestone':
    case 'comment':
      return action;
    default: {
      const never: never = action;
      return String(never);
    }
  }
}
