import type { Actor, Channel, Role } from '@app/domain/case/case.types';
import type { Request } from 'express';
import { DateTime } from 'luxon';

/** The authenticated caller, built once per request by the AuthGuard. */
export interface Principal {
  personId: string;
  name: string;
  email: string;
  role: Role;
  agencyCode: string;
  /** the state of the caller's agency; null for international organisations (observers) and global admins */
  stateCode: string | null;
  /** the IANA time zone of that state: "today" for the caller is the state's date (null: no state) */
  timeZone: string | null;
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

/** Today's date (YYYY-MM-DD) in the caller's state; in UTC for a caller without one. */
export function todayOf(p: Pick<Principal, 'timeZone'>, now: Date = new Date()): string {
  return DateTime.fromJSDate(now)
    .setZone(p.timeZone ?? 'UTC')
    .toISODate() as string;
}

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
