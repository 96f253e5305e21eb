import { Inject, Injectable } from '@nestjs/common';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { DateTime } from 'luxon';
import type { AppConfig } from '@app/config';
import type { Language } from '@app/domain/case/case.types';
import { stepTitleIn, stepTitlesOf } from '@app/domain';
import {
  AgenciesRepository,
  PeopleRepository,
  StatesRepository,
  StepsRepository,
  type CalendarFeedTokenEntity,
} from '@app/persistence';
import { DefinitionsService } from '../admin/definitions.service';
import { APP_CONFIG } from '../common/app-config';
import { DomainErrorCode, DomainException, forbidden, notFound } from '../common/domain.exception';
import { type Principal, todayOf } from '../common/principal';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import type { CalendarFeedDto, CreateCalendarFeedDto, CreatedCalendarFeedDto } from './dto/calendar-feed.dto';

/**
 * iCal feeds of open steps' due dates, per agency or per person, behind a secret revocable URL. The feed is built
 * from the read model on every fetch, so a moved due date shows at the calendar's next refresh.
 */
@Injectable()
export class CalendarFeedsService {
  constructor(
    private readonly feeds: CalendarFeedsRepository,
    private readonly steps: StepsRepository,
    private readonly agencies: AgenciesRepository,
    private readonly people: PeopleRepository,
    private readonly states: StatesRepository,
    private readonly definitions: DefinitionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(p: Principal, dto: CreateCalendarFeedDto): Promise<CreatedCalendarFeedDto> {
    let agencyCode: string | null = null;
    if (dto.scope === 'agency') {
      agencyCode = dto.agencyCode ?? p.agencyCode;
      const agency = await this.agencies.get(agencyCode);
      if (!agency) throw notFound(`Agency ${agencyCode}`);
      const allowed =
        p.role === 'admin' ||
        (p.role === 'coordinator' && agency.stateCode !== null && agency.stateCode === p.stateCode) ||
        (p.role === 'focal_point' && agency.code === p.agencyCode);
      if (!allowed) throw forbidden(`You may not subscribe to the calendar of ${agencyCode}`);
    } else if (dto.agencyCode) {
      throw new DomainException(DomainErrorCode.ValidationFailed, 'agencyCode: only for scope=agency', {
        errors: [{ field: 'agencyCode', message: 'only for scope=agency' }],
      });
    }
    const { token, feed } = await this.feeds.create({
      scope: dto.scope,
      agencyCode,
      personId: dto.scope === 'person' ? p.personId : null,
      label: dto.label ?? '',
      createdBy: p.personId,
    });
    return {
      ...toDto(feed, true),
      url: `${this.config.http.publicUrl}/calendar-feeds/${token}/feed.ics`,
    };
  }

  async list(p: Principal): Promise<CalendarFeedDto[]> {
    const feeds = await this.feeds.listFor({ personId: p.personId, agencyCode: p.agencyCode });
    const out: CalendarFeedDto[] = [];
    for (const f of feeds) out.push(toDto(f, f.revokedAt === null && (await this.mayRevoke(p, f))));
    return out;
  }

  async revoke(p: Principal, id: string): Promise<void> {
    const feed = await this.feeds.get(id);
    if (!feed) throw notFound('Calendar feed');
    if (!(await this.mayRevoke(p, feed))) throw forbidden('You may not revoke this calendar feed');
    await this.feeds.revoke(id);
  }

  /** Its creator, the person it is for, an administrator, or the coordinator of the agency's state. */
  private async mayRevoke(p: Principal, feed: CalendarFeedTokenEntity): Promise<boolean> {
    if (p.role === 'admin' || feed.createdBy === p.personId || feed.personId === p.personId) return true;
    if (p.role !== 'coordinator' || !feed.agencyCode) return false;
    const agency = await this.agencies.get(feed.agencyCode);
    return agency !== null && agency.stateCode !== null && agency.stateCode === p.stateCode;
  }

  /** The feed's iCal text, or null for an unknown or revoked token. */
  async render(token: string, now: Date = new Date()): Promise<string | null> {
    const feed = await this.feeds.byToken(token);
    if (!feed) return null;
    let agencies: string[];
    let name: string;
    let timeZone = 'UTC';
    let coordinatorOf: string | null = null;
    let viewer: { agencyCode: string; stateCode: string | null };
    // steps are named in the language of the feed's owner: the person, or whoever created the agency's feed
    let language: Language = 'en';
    if (feed.scope === 'agency' && feed.agencyCode) {
      const agency = await this.agencies.get(feed.agencyCode);
      if (!agency) return null;
      agencies = [agency.code];
      viewer = { agencyCode: agency.code, stateCode: agency.stateCode };
      name = `napflow — ${agency.name}`;
      if (agency.stateCode) timeZone = (await this.states.get(agency.stateCode))?.timeZone ?? timeZone;
      if (feed.createdBy) language = (await this.people.findById(feed.createdBy))?.language ?? language;
    } else {
      const person = feed.personId ? await this.people.findById(feed.personId) : null;
      if (!person || !person.active) return null;
      language = person.language;
      if (person.stateCode) timeZone = (await this.states.get(person.stateCode))?.timeZone ?? timeZone;
      const today = todayOf({ timeZone }, now);
      agencies = await this.feeds.agenciesOfPerson(person.id, person.stateCode, today);
      viewer = { agencyCode: person.agencyCode, stateCode: person.stateCode };
      name = `napflow — ${person.name}`;
      coordinatorOf = person.role === 'coordinator' ? person.stateCode : null;
    }
    // a coordinator's own feed also holds the steps that wait on the national coordinator of their state
    const open = await this.steps.openStepsOf(agencies, viewer, now, coordinatorOf);
    const definitions = await this.definitions.namedBy(open);
    const cal = ical({
      name,
      prodId: { company: 'napflow', product: 'napflow', language: 'EN' },
      method: ICalCalendarMethod.PUBLISH,
      timezone: timeZone,
      ttl: 3600,
    });
    for (const s of open) {
      if (!s.dueOn) continue;
      const stepTitle = stepTitleIn(stepTitlesOf(s, definitions), language, s.stepTitle);
      cal.createEvent({
        id: `${s.workflowId}/${s.stepKey}/${s.occurrence}@napflow`,
        start: DateTime.fromISO(s.dueOn, { zone: timeZone }),
        allDay: true,
        stamp: now,
        summary: `${s.overdue ? '⚠ ' : ''}${stepTitle} — ${s.caseTitle} (${s.caseCode})`,
        description: [
          `${s.planCode} / ${s.caseCode}: ${s.caseTitle}`,
          `${stepTitle} (${s.assignees.join(', ')})`,
          `${this.config.http.publicUrl}/app/cases/${s.caseId}`,
        ].join('\n'),
        url: `${this.config.http.publicUrl}/app/cases/${s.caseId}`,
      });
    }
    return cal.toString();
  }
}

function toDto(f: CalendarFeedTokenEntity, canRevoke: boolean): CalendarFeedDto {
  return {
    id: f.id,
    scope: f.scope,
    agencyCode: f.agencyCode,
    personId: f.personId,
    label: f.label,
    createdAt: new Date(f.createdAt).toISOString(),
    revokedAt: f.revokedAt ? new Date(f.revokedAt).toISOString() : null,
    canRevoke,
  };
}
