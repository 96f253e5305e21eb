import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized } from '../api/client';
import type { Me } from '../api/types';

// The session is the API's HttpOnly cookie; the browser sends it with every same-origin request. What we keep
// here is only who the person is, for the header and for deciding which actions to offer.
const FALLBACK_KEY = 'napflow.me';

interface Auth {
  me: Me | null | undefined; // undefined while checking
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

function decodeJwt(token: string): Partial<Me> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    return {
      id: (json.sub as string) ?? (json.personId as string),
      email: json.email as string,
      name: (json.name as string) ?? (json.email as string),
      role: json.role as Me['role'],
      agency: (json.agency as string) ?? (json.agencyCode as string),
      stateCode: json.stateCode as string,
      language: json.language as Me['language'],
    };
  } catch {
    return null;
  }
}

export function normaliseMe(raw: unknown): Me | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const inner = (r.person ?? r.user ?? r.me ?? r) as Record<string, unknown>;
  if (!inner.email && !inner.name) return null;
  const agencyObj =
    inner.agency && typeof inner.agency === 'object' ? (inner.agency as Record<string, unknown>) : null;
  return {
    ...(inner as unknown as Me),
    id: (inner.id ?? inner.personId) as string | undefined,
    agency: agencyObj
      ? (agencyObj.code as string)
      : ((inner.agency ?? inner.agencyCode ?? null) as string | null),
    agencyName: agencyObj ? (agencyObj.name as string) : ((inner.agencyName as string | undefined) ?? null),
  };
}

async function fetchMe(): Promise<Me | null> {
  try {
    return normaliseMe(await api.get<unknown>('/auth/me'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      const stored = sessionStorage.getItem(FALLBACK_KEY);
      return stored ? (JSON.parse(stored) as Me) : null;
    }
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    fetchMe().then(setMe, () => setMe(null));
    return onUnauthorized(() => setMe(null));
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const res = await api.post<Record<string, unknown>>('/auth/login', { email, password });
    // Prefer the server's view (GET /auth/me); fall back to what the login answer or its token carries.
    const fromLogin =
      normaliseMe(res) ??
      (typeof res?.token === 'string' ? normaliseMe({ email, ...decodeJwt(res.token) }) : null);
    if (fromLogin) sessionStorage.setItem(FALLBACK_KEY, JSON.stringify(fromLogin));
    const who = (await fetchMe().catch(() => null)) ??
      fromLogin ?? { email, name: email, role: 'observer' as const };
    setMe(who);
  }, []);

  const signOut = useCallback(async () => {
    await api.post('/auth/logout').catch(() => undefined);
    sessionStorage.removeItem(FALLBACK_KEY);
    setMe(null);
  }, []);

  return <AuthContext.Provider value={{ me, signIn, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export function canCoordinate(me: Me | null | undefined): boolean {
  return me?.role === 'admin' || me?.role === 'coordinator';
}

export function agencyOf(me: Me | null | undefined): string | null {
  return me?.agency ?? me?.agencyCode ?? null;
}
