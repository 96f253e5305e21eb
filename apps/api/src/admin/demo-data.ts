import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import type { Actor } from '@app/domain/case/case.types';
import type { CaseCommand } from '@app/domain/engine/engine.types';
import { loadDemo, PeopleRepository, PlansRepository } from '@app/persistence';
import type { DemoCaseStart } from '@app/persistence/seed/demo';
import { CaseWorkflowClient } from '@app/temporal';
import { hashPassword } from '../auth/password';
import { CaseStartService } from '../cases/case-start.service';
import { DomainErrorCode, DomainException } from '../common/domain.exception';

export interface DemoLoadResult {
  summary: string;
}

/**
 * Loads the demo data of the seed document (persistence's loadDemo) and starts each demo case through the same
 * path as POST /plans/{code}/cases, then records the steps the note dates as done. Demo people can sign in only
 * when NAPFLOW_DEMO_PASSWORD is set (a shared demo password is never built in).
 */
export async function loadDemoData(app: INestApplication, config: AppConfig, log: (m: string) => void): Promise<DemoLoadResult> {
  const starter = app.get(CaseStartService);
  const plans = app.get(PlansRepository);
  const people = app.get(PeopleRepository);
  const workflows = app.get(CaseWorkflowClient);
  const demoPassword = process.env.NAPFLOW_DEMO_PASSWORD;
  const result = await loadDemo({
    dataSource: app.get(DataSource),
    now: new Date(),
    log,
    passwordHash: demoPassword ? await hashPassword(demoPassword) : null,
    startCase: async (c: DemoCaseStart) => {
      const plan = await plans.get(c.planCode);
      if (!plan) throw new Error(`demo plan ${c.planCode} is missing`);
      const coordinator = (await people.list({ stateCode: c.stateCode, role: 'coordinator' }))[0];
      const actor: Actor = {
        personId: coordinator?.id ?? 'system',
        name: coordinator?.name ?? 'napflow demo',
        agency: coordinator?.agencyCode ?? c.leadAgency,
        role: 'coordinator',
        channel: 'system',
      };
      let workflowId: string;
      try {
        const started = await starter.start(
          plan,
          {
            kind: c.kind,
            code: c.code,
            title: c.title,
            leadAgency: c.leadAgency,
            supportingAgencies: c.supportingAgencies,
            dueOn: c.dueOn,
            area: c.area ? { paragraph: c.area.paragraph, weaponType: c.area.weapon ?? undefined } : undefined,
            participants: c.participants,
          },
          actor,
        );
        workflowId = started.workflowId;
      } catch (err) {
        if (err instanceof DomainException && err.code === DomainErrorCode.Duplicate) return;
        throw err;
      }
      // the steps the note dates as done, recorded by the agency each step waits on
      for (const h of c.history) {
        try {
          const state = await workflows.getState(workflowId);
          const step = state.steps.find((s) => s.key === h.stepKey);
          const agency = step?.assignees[0] ?? c.leadAgency;
          const by: Actor = { ...actor, agency };
          const cmd: CaseCommand =
            h.action === 'complete'
              ? { type: 'complete', stepKey: h.stepKey, actor: by, note: h.note }
              : h.action === 'milestone'
                ? { type: 'milestone', stepKey: h.stepKey, actor: by, on: h.on, note: h.note }
                : { type: 'decide', stepKey: h.stepKey, actor: by, decision: 'approve', comment: h.note };
          await workflows.execute(workflowId, cmd, `demo:${workflowId}:${h.stepKey}:${h.action}`);
        } catch (err) {
          log(`demo: ${c.planCode}/${c.code}: could not record ${h.action} of ${h.stepKey}: ${(err as Error).message}`);
        }
      }
    },
  });
  if (!demoPassword) log('demo: people have no password; set NAPFLOW_DEMO_PASSWORD to let them sign in');
  void config;
  return {
    summary:
      `${result.states} states, ${result.agencies} agencies, ${result.people} people, ${result.plans} plans added; ` +
      `${result.casesStarted} cases started, ${result.casesSkipped} already there`,
  };
}
