import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import type { Actor, StepSnapshot } from '@app/domain/case/case.types';
import type { CaseCommand } from '@app/domain/engine/engine.types';
import { loadDemo, PeopleRepository, PlansRepository } from '@app/persistence';
import type { DemoCaseStart } from '@app/persistence/seed/demo';
import { CaseWorkflowClient } from '@app/temporal';
import { hashPassword } from '../auth/password';
import { CaseStartService } from '../cases/case-start.service';
import { DomainErrorCode, DomainException } from '../common/domain.exception';

/** The evidence of what the seed note reports as done: the note itself. */
const SEED_NOTE = { id: 'seed-1540-peer-review-note', name: '1540-peer-review-note.txt' };

/** The step once it is active (the workflow starts asynchronously), or undefined after a bounded wait. */
async function activeStep(
  workflows: CaseWorkflowClient,
  workflowId: string,
  stepKey: string,
): Promise<StepSnapshot | undefined> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const state = await workflows.getState(workflowId).catch(() => undefined);
    const step = state?.steps.find((s) => s.key === stepKey);
    if ((step && step.status === 'active') || Date.now() > deadline) return step;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface DemoLoadResult {
  summary: string;
  /**
   * Set when NAPFLOW_DEMO_PASSWORD is unset and this load created the demo people: the random password they all
   * sign in with. Shown once by the start script; never stored in clear or logged here.
   */
  demoPassword?: string;
}

/** A random demo password: 18 bytes → 24 base64url characters. */
export function generateDemoPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Loads the demo data of the seed document (persistence's loadDemo) and starts each demo case through the same
 * path as POST /plans/{code}/cases, then records the steps the note dates as done. Demo people sign in with
 * NAPFLOW_DEMO_PASSWORD when it is set; otherwise the load that creates them gives them one random password,
 * returned as `demoPassword` (a shared demo password is never built in).
 */
export async function loadDemoData(
  app: INestApplication,
  config: AppConfig,
  log: (m: string) => void,
): Promise<DemoLoadResult> {
  const starter = app.get(CaseStartService);
  const plans = app.get(PlansRepository);
  const people = app.get(PeopleRepository);
  const workflows = app.get(CaseWorkflowClient);
  const configured = process.env.NAPFLOW_DEMO_PASSWORD || undefined;
  // the people that exist keep their password: a generated one only matters if this load creates people
  const demoPassword = configured ?? generateDemoPassword();
  const result = await loadDemo({
    dataSource: app.get(DataSource),
    now: new Date(),
    log,
    passwordHash: await hashPassword(demoPassword),
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
            area: c.area
              ? { paragraph: c.area.paragraph, weaponType: c.area.weapon ?? undefined }
              : undefined,
            participants: c.participants,
          },
          actor,
        );
        workflowId = started.workflowId;
        // the demo's dates make some steps start overdue on purpose; a step that emails nobody is a flaw of the data
        for (const w of started.warnings)
          if (w.code === 'no_focal_point') log(`demo: ${c.planCode}/${c.code}: ${w.message}`);
      } catch (err) {
        if (err instanceof DomainException && err.code === DomainErrorCode.Duplicate) return;
        throw err;
      }
      // the steps the note dates as done, recorded by the agency each step waits on, once the step is open
      for (const h of c.history) {
        try {
          const step = await activeStep(workflows, workflowId, h.stepKey);
          const by: Actor = { ...actor, agency: step?.assignees[0] ?? c.leadAgency };
          const cmd: CaseCommand =
            h.action === 'complete'
              ? { type: 'complete', stepKey: h.stepKey, actor: by, note: h.note, attachments: [SEED_NOTE] }
              : h.action === 'milestone'
                ? { type: 'milestone', stepKey: h.stepKey, actor: by, on: h.on, note: h.note }
                : { type: 'decide', stepKey: h.stepKey, actor: by, decision: 'approve', comment: h.note };
          await workflows.execute(
            workflowId,
            cmd,
            `demo:${workflowId}:${h.stepKey}:${h.action}:${by.agency}`,
          );
        } catch (err) {
          log(
            `demo: ${c.planCode}/${c.code}: could not record ${h.action} of ${h.stepKey}: ${(err as Error).message}`,
          );
        }
      }
    },
  });
  void config;
  return {
    summary:
      `${result.states} states, ${result.agencies} agencies, ${result.people} people, ${result.plans} plans added; ` +
      `${result.casesStarted} cases started, ${result.casesSkipped} already there`,
    ...(configured === undefined && result.people > 0 ? { demoPassword } : {}),
  };
}
