import type { AuditEntry } from '@app/persistence';
import type { ApiRequest, Principal } from './principal';

/** An audit entry for an API-level action (reference data, plans, definitions), with who, from where, by which channel. */
export function auditEntry(
  p: Principal,
  req: ApiRequest | undefined,
  type: string,
  data: Record<string, unknown>,
): AuditEntry {
  return {
    type,
    actor: { personId: p.personId, name: p.name, agency: p.agencyCode, role: p.role, channel: p.channel },
    channel: p.channel,
    ip: req?.ip ?? null,
    data,
  };
}
