// Typed calls to the napflow API, with small adapters so list shapes ({items,total} or a bare array) both work.
import { api, request, type Query } from './client';
import type {
  Agency,
  Attachment,
  Calendar,
  CalendarFeed,
  CaseCreated,
  CaseDetail,
  CaseSummary,
  DefinitionVersion,
  CreatedCalendarFeed,
  EmailSent,
  FailedEmail,
  HistoryEvent,
  InboxItem,
  NewCase,
  Page,
  Person,
  Plan,
  StateInfo,
} from './types';

export function toPage<T>(raw: unknown, fallback: { page: number; pageSize: number }): Page<T> {
  if (Array.isArray(raw))
    return { items: raw as T[], total: raw.length, page: 1, pageSize: raw.length || fallback.pageSize };
  const r = (raw ?? {}) as Record<string, unknown>;
  const items = (r.items ?? r.data ?? r.results ?? r.cases ?? []) as T[];
  const meta = (r.meta ?? r.pagination ?? r) as Record<string, unknown>;
  return {
    items,
    total: Number(meta.total ?? meta.totalItems ?? items.length),
    page: Number(meta.page ?? fallback.page),
    pageSize: Number(meta.pageSize ?? meta.limit ?? fallback.pageSize),
  };
}

function toList<T>(raw: unknown): T[] {
  return toPage<T>(raw, { page: 1, pageSize: 0 }).items;
}

export function caseCode(c: CaseSummary): string {
  return c.code ?? c.caseCode ?? c.id;
}

export const endpoints = {
  plans: async (signal?: AbortSignal) => toList<Plan>(await api.get('/plans', undefined, signal)),
  plan: (code: string, signal?: AbortSignal) =>
    api.get<Plan>(`/plans/${encodeURIComponent(code)}`, undefined, signal),
  createPlan: (body: { code: string; title: string; stateCode: string; adoptedOn: string }) =>
    api.post<Plan>('/plans', body),
  /** POST /plans/{code}/cases: starts one case; the answer carries what the coordinator should know (warnings). */
  createCase: (plan: string, body: NewCase, idempotencyKey: string) =>
    api.post<CaseCreated>(`/plans/${encodeURIComponent(plan)}/cases`, body, idempotencyKey),
  importMeasures: (plan: string, file: File, dryRun: boolean) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.post<unknown>(
      `/plans/${encodeURIComponent(plan)}/import${dryRun ? '?dryRun=true' : ''}`,
      form,
    );
  },
  /** GET /cases: filtered, sorted (`sort`, e.g. "dueOn" or "-progress") and paginated by the API. The UI's `q` is the API's `text`. */
  cases: async (query: Query, signal?: AbortSignal): Promise<Page<CaseSummary>> => {
    const { q, ...rest } = query;
    const fallback = { page: Number(query.page ?? 1), pageSize: Number(query.pageSize ?? 25) };
    return toPage<CaseSummary>(await api.get('/cases', { ...rest, text: q }, signal), fallback);
  },
  /** Every case matching the query, page by page (overview and exports); capped so a huge state cannot hang the tab. */
  allCases: async (query: Query, signal?: AbortSignal, cap = 5000): Promise<CaseSummary[]> => {
    const pageSize = 200;
    const out: CaseSummary[] = [];
    for (let page = 1; out.length < cap; page++) {
      const p = await endpoints.cases({ ...query, page, pageSize }, signal);
      out.push(...p.items);
      if (p.items.length < pageSize || out.length >= p.total) break;
    }
    return out;
  },
  case: (id: string, signal?: AbortSignal) =>
    api.get<CaseDetail>(`/cases/${encodeURIComponent(id)}`, undefined, signal),
  history: async (id: string, signal?: AbortSignal) =>
    toList<HistoryEvent>(await api.get(`/cases/${encodeURIComponent(id)}/history`, undefined, signal)),
  emails: async (id: string, signal?: AbortSignal) =>
    toList<EmailSent>(await api.get(`/cases/${encodeURIComponent(id)}/emails`, undefined, signal)),
  inbox: async (signal?: AbortSignal) =>
    toList<InboxItem>(await api.get('/inbox', { pageSize: 200 }, signal)).map(normaliseInboxItem),
  stepAction: (
    caseId: string,
    stepKey: string,
    action: 'complete' | 'decision' | 'milestone' | 'due-date' | 'reassign',
    body: unknown,
  ) =>
    api.post<CaseDetail>(
      `/cases/${encodeURIComponent(caseId)}/steps/${encodeURIComponent(stepKey)}/${action}`,
      body,
    ),
  attachments: async (caseId: string, signal?: AbortSignal) =>
    toList<Attachment>(await api.get(`/cases/${encodeURIComponent(caseId)}/attachments`, undefined, signal)),
  /** Uploads one evidence file; cite the answer's {id, name, sha256} when completing a step. */
  uploadAttachment: (caseId: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.post<Attachment>(`/cases/${encodeURIComponent(caseId)}/attachments`, form);
  },
  /** Same-origin download link (the session cookie authenticates it). */
  attachmentUrl: (caseId: string, attachmentId: string) =>
    `/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(attachmentId)}`,
  comment: (caseId: string, text: string, stepKey?: string) =>
    api.post<CaseDetail>(`/cases/${encodeURIComponent(caseId)}/comments`, { text, stepKey }),
  agencies: async (signal?: AbortSignal) => toList<Agency>(await api.get('/agencies', undefined, signal)),
  people: async (signal?: AbortSignal) => toList<Person>(await api.get('/people', undefined, signal)),
  states: async (signal?: AbortSignal) => toList<StateInfo>(await api.get('/states', undefined, signal)),
  calendar: (stateCode: string, year: number, signal?: AbortSignal) =>
    api.get<Calendar>(`/admin/calendars/${encodeURIComponent(stateCode)}`, { year }, signal),
  definition: (key: string, version: number, signal?: AbortSignal) =>
    api.get<DefinitionVersion['definition'] & Record<string, unknown>>(
      `/admin/definitions/${encodeURIComponent(key)}/versions/${version}`,
      undefined,
      signal,
    ),
  definitions: async (signal?: AbortSignal) =>
    toList<DefinitionVersion>(await api.get('/admin/definitions', undefined, signal)),
  createAgency: (body: {
    code: string;
    name: string;
    nameRu?: string;
    stateCode?: string | null;
    kind?: string;
  }) => api.post<Agency>('/agencies', body),
  /** Renames an agency; `nameRu: null` removes its Russian name. */
  updateAgency: (code: string, body: { name?: string; nameRu?: string | null }) =>
    request<Agency>(`/agencies/${encodeURIComponent(code)}`, { method: 'PATCH', body }),
  createPerson: (body: {
    email: string;
    name: string;
    agencyCode: string;
    role: string;
    language: string;
    password: string;
  }) => api.post<Person>('/people', body),
  updatePerson: (
    id: string,
    body: { name?: string; role?: string; agencyCode?: string; language?: string; active?: boolean },
  ) => request<Person>(`/people/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  setDeputy: (id: string, body: { deputyId: string; from: string; until: string }) =>
    request<Person>(`/people/${encodeURIComponent(id)}/deputy`, { method: 'PUT', body }),
  addNonWorkingDay: (stateCode: string, body: { date: string; reason?: string }) =>
    api.post<Calendar>(`/admin/calendars/${encodeURIComponent(stateCode)}/non-working-days`, body),
  removeNonWorkingDay: (stateCode: string, date: string) =>
    request<void>(
      `/admin/calendars/${encodeURIComponent(stateCode)}/non-working-days/${encodeURIComponent(date)}`,
      { method: 'DELETE' },
    ),
  uploadDefinition: (definition: unknown) => api.post<DefinitionVersion>('/admin/definitions', definition),
  sharePlan: (planCode: string, agencyCode: string) =>
    api.post<Plan>(`/plans/${encodeURIComponent(planCode)}/shares`, { agencyCode }),
  /** Emails the SMTP server refused for good; coordinators get their state's, administrators name one. */
  failedEmails: async (stateCode: string | undefined, signal?: AbortSignal) =>
    toList<FailedEmail>(await api.get('/email-outbox/failed', { state: stateCode }, signal)),
  calendarFeeds: async (signal?: AbortSignal) =>
    toList<CalendarFeed>(await api.get('/calendar-feeds', undefined, signal)),
  createCalendarFeed: (body: { scope: 'agency' | 'person'; agencyCode?: string; label?: string }) =>
    api.post<CreatedCalendarFeed>('/calendar-feeds', body),
  revokeCalendarFeed: (id: string) =>
    request<void>(`/calendar-feeds/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

function normaliseInboxItem(raw: InboxItem): InboxItem {
  const r = raw as unknown as Record<string, unknown>;
  const c = (r.case ?? {}) as Record<string, unknown>;
  const s = (r.step ?? {}) as Record<string, unknown>;
  return {
    ...raw,
    caseId: (r.caseId ?? c.id ?? r.id) as string,
    caseCode: (r.caseCode ?? c.code ?? c.caseCode) as string | undefined,
    caseTitle: (r.caseTitle ?? c.title ?? r.title) as string | undefined,
    planCode: (r.planCode ?? c.planCode) as string | undefined,
    stepKey: (r.stepKey ?? s.key ?? r.key) as string,
    stepTitle: (r.stepTitle ?? s.title) as string | undefined,
    stepTitles: (r.stepTitles ?? s.titles) as InboxItem['stepTitles'],
    kind: (r.kind ?? r.stepKind ?? s.kind) as InboxItem['kind'],
    dueOn: (r.dueOn ?? s.dueOn ?? null) as string | null,
    assignees: (r.assignees ?? s.assignees) as string[] | undefined,
  };
}
