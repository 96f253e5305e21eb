import type { Actor, Channel, Role } from '@app/domain/case/case.types';
import type { Request } from 'express';

/** The authenticated caller, built once per request by the AuthGuard. */
export interface Principal {
  personId: string;
  name: string;
  email: string;
  role: Role;
  agencyCode: string;
  /** the state of the caller's agency; null for international organisations (observers) and global admins */
  stateCode: string | null;
  language: 'ru' | 'en';
  /** 'dashboard' when the session cookie authenticated the call, 'api' for a bearer token */
  channel: Extract<Channel, 'api' | 'dashboard'>;
  tokenId: string;
  /** the client address of this request (behind a trusted proxy, the one it names), for the audit trail */
  ip?: string;
}

export interface ApiRequest extends Request {
  principal?: Principal;
  idempotencyKey?: string;
  /** set by the global IdempotencyInterceptor on an upload route: the route's own instance does the work */
  idempotencyAfterUpload?: boolean;
  /** the file a FileInterceptor read (multer) */
  file?: { buffer?: Buffer };
}

export const SESSION_COOKIE = 'napflow_session';

/** The actor a workflow receives, from the authenticated person; `onBehalfOf` when acting as a deputy. */
export function actorOf(p: Principal, onBehalfOf?: { personId: string; agencyCode: string }): Actor {
  return {
    personId: p.personId,
    name: p.name,
    agency: onBehalfOf?.agencyCode ?? p.agencyCode,
    role: p.role,
    channel: p.channel,
    ...(onBehalfOf ? { onBehalfOf: onBehalfOf.personId } : {}),
    ...(p.ip ? { ip: p.ip } : {}),
  };
}
