import type { Role } from '@app/domain/case/case.types';
import { type SqlParams } from './sql-params';

/**
 * Who is asking, reduced to what limits their reads. Every case/plan/inbox query takes one and applies it in WHERE:
 * - admin: everything;
 * - coordinator, focal_point: their state's plans and cases, plus plans shared with their agency or state;
 * - observer: only plans shared with their organisation (agency) or state.
 */
export interface AccessScope {
  role: Role;
  stateCode: string | null;
  agencyCode: string | null;
  /** plan codes shared with the person's agency or state (PlansRepository.sharedPlanCodesFor) */
  sharedPlanCodes: string[];
}

export const ADMIN_SCOPE: AccessScope = {
  role: 'admin',
  stateCode: null,
  agencyCode: null,
  sharedPlanCodes: [],
};

/** SQL condition restricting rows whose plan is `planCol` and state is `stateCol` to what `scope` may read. */
export function scopeCondition(
  scope: AccessScope,
  sql: SqlParams,
  planCol: string,
  stateCol: string,
): string {
  switch (scope.role) {
    case 'admin':
      return 'TRUE';
    case 'coordinator':
    case 'focal_point':
      if (scope.stateCode) {
        return `(${stateCol} = ${sql.add(scope.stateCode)} OR ${planCol} = ANY(${sql.add(scope.sharedPlanCodes)}::text[]))`;
      }
      return `${planCol} = ANY(${sql.add(scope.sharedPlanCodes)}::text[])`;
    case 'observer':
      return `${planCol} = ANY(${sql.add(scope.sharedPlanCodes)}::text[])`;
    default: {
      const never: never = scope.role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}
