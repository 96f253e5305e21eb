import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor, Decision, Language } from '@app/domain/case/case.types';
import type { CaseCommand } from '@app/domain';
import { EmailLinkRepository, type EmailLinkGrant } from '@app/mail';
import {
  CasesRepository,
  PeopleRepository,
  StatesRepository,
  type EmailLinkChoice,
  type Person,
} from '@app/persistence';
import { CaseCommandRefused, CaseWorkflowClient, CaseWorkflowNotFound } from '@app/temporal';
import { DefinitionsService } from '../admin/definitions.service';
import { standsInFor } from '../common/deputies';
import { todayOf } from '../common/principal';
import { closedReason, type LinkPage } from './email-link.pages';

/** A confirmation page's form is good for this long after the GET that produced it. */
const CSRF_TTL_MS = 2 * 3_600_000;

export interface LinkForm {
  choice?: unknown;
  comment?: unknown;
  csrf?: unknown;
}

/**
 * Approve by email. GET (open) only reads: mail scanners follow links before people do. POST (act) spends the
 * single-use link and sends the same workflow update as the dashboard, with actor.channel = 'email'.
 */
@Injectable()
export class EmailLinksService {
  private readonly log = new Logger(EmailLinksService.name);
  private readonly links: EmailLinkRepository;

  constructor(
    dataSource: DataSource,
    private readonly people: PeopleRepository,
    private readonly cases: CasesRepository,
    private readonly states: StatesRepository,
    private readonly workflows: CaseWorkflowClient,
    private readonly definitions: DefinitionsService,
  ) {
    this.links = new EmailLinkRepository(dataSource);
  }

  async open(token: string, preselect: string | undefined, now = new Date()): Promise<LinkPage> {
    const found = await this.usable(token, now);
    if ('page' in found) return found;
    const { link, person, lang } = found;
    const view = await this.stepView(link, lang, found.absent, now);
    if ('page' in view) return view;
    const choice = link.choices.find((c) => c === preselect) ?? null;
    return {
      page: 'confirm',
      lang,
      personName: person.name,
      onBehalfOfName: found.absent?.name ?? null,
      caseTitle: view.caseTitle,
      caseCode: view.caseCode,
      planCode: view.planCode,
      stepTitle: view.stepTitle,
      dueOn: view.dueOn,
      timeZone: view.timeZone,
      choices: link.choices,
      preselect: choice,
      csrf: csrfToken(token, link.id, now.getTime()),
      action: `/email-links/${token}`,
    };
  }

  async act(
    token: string,
    form: LinkForm,
    sameOrigin: boolean,
    now = new Date(),
    ip?: string,
  ): Promise<LinkPage> {
    const found = await this.usable(token, now);
    if ('page' in found) return found;
    const { link, person, lang } = found;
    const retryUrl = `/email-links/${token}`;
    if (!sameOrigin) return { page: 'bad_form', lang, reason: 'origin', retryUrl };
    if (typeof form.csrf !== 'string' || !verifyCsrf(form.csrf, token, link.id, now.getTime())) {
      return { page: 'bad_form', lang, reason: 'csrf', retryUrl };
    }
    const choice = link.choices.find((c) => c === form.choice);
    if (!choice) return { page: 'bad_form', lang, reason: 'choice', retryUrl };
    const comment =
      typeof form.comment === 'string' && form.comment.trim()
        ? form.comment.trim().slice(0, 4000)
        : undefined;

    const view = await this.stepView(link, lang, found.absent, now);
    if ('page' in view) return view;
    // Spend first: of two concurrent POSTs exactly one goes on to the workflow.
    if (!(await this.links.spend(link.id, choice, now))) {
      const again = await this.links.findByToken(token);
      return {
        page: 'invalid',
        lang,
        reason: again && again.expiresAt <= now && !again.usedAt ? 'expired' : 'used',
      };
    }
    const actor: Actor = {
      personId: person.id,
      name: person.name,
      agency: found.absent?.agencyCode ?? person.agencyCode,
      role: person.role,
      channel: 'email',
      ...(found.absent ? { onBehalfOf: found.absent.id } : {}),
      ...(ip ? { ip } : {}),
    };
    const cmd: CaseCommand =
      choice === 'complete'
        ? { type: 'complete', stepKey: link.stepKey, actor, ...(comment ? { note: comment } : {}) }
        : {
            type: 'decide',
            stepKey: link.stepKey,
            actor,
            decision: choice as Decision,
            ...(comment ? { comment } : {}),
          };
    try {
      // the link id is the update id: a retried POST after a timeout is deduplicated by the server
      await this.workflows.execute(link.workflowId, cmd, `email-link:${link.id}`);
    } catch (err) {
      // nothing happened: give the link back so the person can try again (or sign in)
      await this.links.unspend(link.id);
      if (err instanceof CaseCommandRefused) {
        return {
          page: 'closed',
          lang,
          reason: closedReason(lang, err.code, err.message),
          caseTitle: view.caseTitle,
          caseCode: view.caseCode,
        };
      }
      if (err instanceof CaseWorkflowNotFound) {
        return {
          page: 'closed',
          lang,
          reason: closedReason(lang, 'case_closed', err.message),
          caseTitle: view.caseTitle,
          caseCode: view.caseCode,
        };
      }
      this.log.error(
        `email link ${link.id}: the workflow update failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      return { page: 'unavailable', lang };
    }
    this.log.log(
      `email link ${link.id} used: ${choice} on ${link.workflowId}/${link.stepKey} by ${person.id}`,
    );
    return {
      page: 'done',
      lang,
      choice,
      caseTitle: view.caseTitle,
      caseCode: view.caseCode,
      stepTitle: view.stepTitle,
    };
  }

  private async usable(
    token: string,
    now: Date,
  ): Promise<LinkPage | { link: EmailLinkGrant; person: Person; absent: Person | null; lang: Language }> {
    const link = await this.links.findByToken(token);
    if (!link) return { page: 'invalid', lang: null, reason: 'unknown' };
    const person = await this.people.findById(link.personId);
    if (!person || !person.active)
      return { page: 'invalid', lang: person?.language ?? null, reason: 'unknown' };
    const lang = person.language;
    if (link.usedAt) return { page: 'invalid', lang, reason: 'used' };
    if (link.expiresAt <= now) return { page: 'invalid', lang, reason: 'expired' };
    const absent = link.onBehalfOf ? await this.people.findById(link.onBehalfOf) : null;
    return { link, person, absent, lang };
  }

  /**
   * The case and step as the read model shows them; a page instead when the step no longer waits on this person,
   * or when a link sent to a deputy (for `absent`) comes after the absence ended or the deputy was replaced.
   */
  private async stepView(link: EmailLinkGrant, lang: Language, absent: Person | null, now: Date) {
    const c = await this.cases.findByWorkflowId(link.workflowId);
    if (!c) return { page: 'invalid', lang, reason: 'unknown' } as LinkPage;
    const step = (await this.cases.steps(c.id)).find((s) => s.key === link.stepKey);
    const summary = { caseTitle: c.title, caseCode: c.code };
    if (!step)
      return { page: 'closed', lang, reason: closedReason(lang, 'unknown_step', ''), ...summary } as LinkPage;
    if (c.status !== 'active')
      return { page: 'closed', lang, reason: closedReason(lang, 'case_closed', ''), ...summary } as LinkPage;
    if (step.status !== 'active' || step.occurrence !== link.occurrence) {
      return {
        page: 'closed',
        lang,
        reason: closedReason(lang, 'step_not_active', ''),
        ...summary,
      } as LinkPage;
    }
    const state = await this.states.get(c.stateCode);
    const timeZone = state?.timeZone ?? 'UTC';
    // the step's name in the reader's language, from the case's process definition (the read model keeps English)
    const definition =
      c.definitionVersion === null
        ? undefined
        : await this.definitions.resolve(c.definitionKey, c.definitionVersion);
    const stepTitle = definition?.steps.find((d) => d.key === link.stepKey)?.title[lang] || step.title;
    if (link.onBehalfOf && !standsInFor(absent, link.personId, todayOf({ timeZone }, now))) {
      return { page: 'closed', lang, reason: closedReason(lang, 'not_deputy', ''), ...summary } as LinkPage;
    }
    return {
      ...summary,
      planCode: c.planCode,
      stepTitle,
      dueOn: step.dueOn,
      timeZone,
    };
  }
}

/** `<issuedAt>.<HMAC(key = the link's raw token)>`: only whoever holds the link can make one; it ages out. */
export function csrfToken(rawToken: string, linkId: string, issuedAt: number): string {
  const mac = createHmac('sha256', rawToken)
    .update(`napflow-email-link-csrf:${linkId}:${issuedAt}`)
    .digest('base64url');
  return `${issuedAt}.${mac}`;
}

export function verifyCsrf(value: string, rawToken: string, linkId: string, now: number): boolean {
  const [ts, mac] = value.split('.');
  const issuedAt = Number(ts);
  if (!Number.isSafeInteger(issuedAt) || !mac || issuedAt > now + 60_000 || now - issuedAt > CSRF_TTL_MS)
    return false;
  const expected = Buffer.from(csrfToken(rawToken, linkId, issuedAt).split('.')[1]);
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type { EmailLinkChoice };
