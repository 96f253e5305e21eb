// One fetch wrapper for the whole UI: same-origin session cookie, JSON in/out, RFC 9457 problem details as ApiError.

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  /** a workflow's refusal: why the process said no (wrong_agency, step_not_active, …) */
  reason?: string;
  errors?:
    | Array<{
        field?: string;
        path?: string;
        message?: string;
        detail?: string;
        code?: string;
        params?: Record<string, string | number>;
      }>
    | Record<string, unknown>;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** Field-level messages from a 400, as "field: message" lines. */
  get fieldMessages(): string[] {
    const errors = this.problem.errors;
    if (!errors) return [];
    if (Array.isArray(errors)) {
      return errors.map((e) => [e.field ?? e.path, e.message ?? e.detail].filter(Boolean).join(': '));
    }
    return Object.entries(errors).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** A fresh Idempotency-Key: a form keeps one per attempt, so a resubmission after a lost answer acts once. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** writes carry an Idempotency-Key so a double click or a retry acts once */
  idempotencyKey?: string;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET') headers['Idempotency-Key'] = options.idempotencyKey ?? newIdempotencyKey();
  const lang = document.documentElement.lang;
  if (lang) headers['Accept-Language'] = lang;

  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'include', signal: options.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: (e as Error).message });
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const problem: ProblemDetails =
      data && typeof data === 'object'
        ? (data as ProblemDetails)
        : {
            title: res.statusText || `HTTP ${res.status}`,
            detail: typeof data === 'string' ? data.slice(0, 300) : undefined,
          };
    if (res.status === 401 && !path.startsWith('/auth/login')) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(res.status, { status: res.status, ...problem });
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>(withQuery(path, query), { signal }),
  post: <T>(path: string, body?: unknown, idempotencyKey?: string) =>
    request<T>(path, { method: 'POST', body: body ?? {}, idempotencyKey }),
};
