// Test fixtures for the read model: minimal reference data and case snapshots as a workflow would report them.
import type { CaseEvent, CaseSnapshot, StepSnapshot } from '@app/domain/case/case.types';
import type { DataSource } from 'typeorm';
import { AgenciesRepository } from '../repositories/agencies.repository';
import { PlansRepository } from '../repositories/plans.repository';
import { StatesRepository } from '../repositories/states.repository';

/** KG and TJ with a few agencies each, an international observer, and one plan per state. */
export async function seedReference(ds: DataSource): Promise<void> {
  await new StatesRepository(ds).insertMissing([
    { code: 'KG', name: 'Kyrgyzstan', timeZone: 'Asia/Bishkek', holidayCalendar: 'KG' },
    { code: 'TJ', name: 'Tajikistan', timeZone: 'Asia/Dushanbe', holidayCalendar: 'TJ' },
  ]);
  await new AgenciesRepository(ds).insertMissing([
    { code: 'KG-MOE', name: 'Ministry of Economy', stateCode: 'KG', kind: 'ministry' },
    { code: 'KG-MOJ', name: 'Ministry of Justice', stateCode: 'KG', kind: 'ministry' },
    { code: 'KG-SCS', name: 'State Customs Service', stateCode: 'KG' },
    { code: 'KG-BS', name: 'Border Service', stateCode: 'KG' },
    { code: 'TJ-MFA', name: 'Ministry of Foreign Affairs', stateCode: 'TJ', kind: 'ministry' },
    { code: 'TJ-CS', name: 'Customs Service', stateCode: 'TJ' },
    { code: 'OSCE-CPC', name: 'OSCE Conflict Prevention Centre', stateCode: null },
    { code: 'UNODA', name: 'UNODA', stateCode: null },
  ]);
  const plans = new PlansRepository(ds);
  await plans.insertIfMissing({
    code: 'KG-NAP-2013',
    stateCode: 'KG',
    title: 'KG NAP',
    adoptedOn: '2013-03-22',
  });
  await plans.insertIfMissing({ code: 'TJ-PLAN', stateCode: 'TJ', title: 'TJ plan', adoptedOn: null });
}

export function stepSnapshot(key: string, patch: Partial<StepSnapshot> = {}): StepSnapshot {
  return {
    key,
    title: `Step ${key}`,
    kind: 'task',
    status: 'pending',
    assignees: [],
    dueOn: null,
    dueAt: null,
    startedAt: null,
    completedAt: null,
    occurrence: 0,
    actions: [],
    nextNotices: [],
    ...patch,
  };
}

export function caseSnapshot(
  patch: Partial<CaseSnapshot> & Pick<CaseSnapshot, 'planCode' | 'caseCode'>,
): CaseSnapshot {
  const stateCode = patch.stateCode ?? (patch.planCode.startsWith('TJ') ? 'TJ' : 'KG');
  return {
    workflowId: `case:${patch.planCode}:${patch.caseCode}`,
    kind: 'measure',
    definitionKey: 'measure',
    definitionVersion: 1,
    title: `Case ${patch.caseCode}`,
    stateCode,
    timeZone: stateCode === 'TJ' ? 'Asia/Dushanbe' : 'Asia/Bishkek',
    leadAgency: stateCode === 'TJ' ? 'TJ-MFA' : 'KG-MOE',
    supportingAgencies: [],
    status: 'active',
    dueOn: '2030-01-15',
    startedAt: '2026-01-05T04:00:00.000Z',
    closedAt: null,
    seq: 1,
    progress: 0,
    steps: [],
    comments: [],
    ...patch,
  };
}

export function caseEvent(seq: number, patch: Partial<CaseEvent> = {}): CaseEvent {
  return {
    seq,
    at: new Date(Date.UTC(2026, 0, 5, 4, 0, seq)).toISOString(),
    type: seq === 1 ? 'case_started' : 'step_started',
    data: { n: seq },
    ...patch,
  };
}
