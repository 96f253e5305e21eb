import { Injectable } from '@nestjs/common';
import { type AccessScope, PlansRepository } from '@app/persistence';
import type { Principal } from './principal';

/** The caller's AccessScope: what the repositories put in the WHERE clause of every read. */
@Injectable()
export class AccessScopeService {
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

  private async build(p: Principal): Promise<AccessScope> {
    if (p.role === 'admin') return { role: 'admin', stateCode: null, agencyCode: null, sharedPlanCodes: [] };
    const sharedPlanCodes = await this.plans.sharedPlanCodesFor({
      agencyCode: p.agencyCode,
      stateCode: p.stateCode,
    });
    return { role: p.role, stateCode: p.stateCode, agencyCode: p.agencyCode, sharedPlanCodes };
  }
}
