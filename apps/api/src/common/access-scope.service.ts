import { Injectable } from '@nestjs/common';
import { type AccessScope, PlansRepository } from '@app/persistence';
import type { Principal } from './principal';

/** The caller's AccessScope: what the repositories put in the WHERE clause of every read. */
@Injectable()
export class AccessScopeService {
  // per principal, i.e. per request: the AuthGuard builds a new principal for every request
  private readonly cache = new WeakMap<Principal, Promise<AccessScope>>();

  constructor(private readonly plans: PlansRepository) {}

  of(p: Principal): Promise<AccessScope> {
    let scope = this.cache.get(p);
    if (!scope) {
      scope = this.build(p);
      this.cache.set(p, scope);
    }
    return scope;
  }

  /**
   * Records the shared plan codes read together with the principal (the authentication statement reads them in the
   * same snapshot), so that `of(p)` needs no query of its own during this request.
   */
  remember(p: Principal, sharedPlanCodes: string[]): void {
    this.cache.set(p, Promise.resolve(scopeOf(p, sharedPlanCodes)));
  }

  private async build(p: Principal): Promise<AccessScope> {
    if (p.role === 'admin') return scopeOf(p, []);
    const sharedPlanCodes = await this.plans.sharedPlanCodesFor({
      agencyCode: p.agencyCode,
      stateCode: p.stateCode,
    });
    return scopeOf(p, sharedPlanCodes);
  }
}

function scopeOf(p: Principal, sharedPlanCodes: string[]): AccessScope {
  if (p.role === 'admin') return { role: 'admin', stateCode: null, agencyCode: null, sharedPlanCodes: [] };
  return { role: p.role, stateCode: p.stateCode, agencyCode: p.agencyCode, sharedPlanCodes };
}
