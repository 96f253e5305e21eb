// The read-model activity: the case workflow reports each transition here and PostgreSQL follows.
import type { DataSource } from 'typeorm';
import { ImportHandoverRepository, ReadModelRepository, StatesRepository } from '@app/persistence';
import { ApplicationFailure } from '@temporalio/common';
import { holidayCalendarOf } from '@app/domain/holidays';
import type { CalendarActivityDeps } from './calendar.activities';
import {
  addToLists,
  type AgencyNewSteps,
  type NewStepsOfCase,
} from '@app/workflows/import-notices.definitions';
import type { CaseActivities } from './contracts';

export interface ProjectionDeps {
  dataSource: DataSource;
}

export type ProjectionActivities = Pick<
  CaseActivities,
  'recordTransition' | 'openImportHandover' | 'countImportHandover' | 'closeImportHandover'
>;

/**
 * recordTransition writes the case row (unless a newer snapshot is stored), replaces its steps and appends the new
 * audit events, in one transaction. A retry, a replay or a rebuild writes nothing twice: the case by seq, the
 * events by (workflowId, seq). An imported case's start also records its first steps for the import's notices
 * workflow, whose handover activities open, count and close what its cases recorded.
 */
export function createProjectionActivities({ dataSource }: ProjectionDeps): ProjectionActivities {
  const readModel = new ReadModelRepository(dataSource);
  const handovers = new ImportHandoverRepository(dataSource);
  return {
    async recordTransition({ snapshot, events, handover }) {
      const result = await readModel.recordTransition(snapshot, events, handover);
      return handover ? { handedOver: result.handedOver === true } : undefined;
    },
    async openImportHandover({ importWorkflowId }) {
      await handovers.open(importWorkflowId);
    },
    async countImportHandover({ importWorkflowId }) {
      return handovers.count(importWorkflowId);
    },
    async closeImportHandover({ importWorkflowId }) {
      const recorded = await handovers.close(importWorkflowId);
      const byAgency: Record<string, AgencyNewSteps> = {};
      for (const { caseWorkflowId, steps } of recorded) {
        addToLists(byAgency, { workflowId: caseWorkflowId, steps: steps as NewStepsOfCase['steps'] });
      }
      return { cases: recorded.length, byAgency };
    },
  };
}

/**
 * What the calendar activity (createCalendarActivities) reads from PostgreSQL. An unknown state fails for good
 * (retrying does not create it).
 */
export function createCalendarDataSources({ dataSource }: ProjectionDeps): CalendarActivityDeps {
  const states = new StatesRepository(dataSource);
  return {
    async nonWorkingDays(stateCode) {
      return (await states.nonWorkingDays(stateCode)).map((d) => ({ date: d.date, reason: d.reason }));
    },
    async settingsOf(stateCode) {
      const state = await states.get(stateCode);
      if (!state) throw ApplicationFailure.nonRetryable(`unknown state "${stateCode}"`, 'UnknownState');
      return { timeZone: state.timeZone, holidayCalendar: holidayCalendarOf(state) };
    },
  };
}
