import {
  ApplicationFailure,
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { CaseSnapshot, StartCaseInput } from '@app/domain/case/case.types';
import type { CaseCommand } from '@app/domain';
import {
  addCommentSignal,
  caseWorkflowId,
  completeStepUpdate,
  decideUpdate,
  extendDueDateUpdate,
  getStateQuery,
  reassignStepUpdate,
  recordMilestoneUpdate,
  withdrawCaseUpdate,
} from '@app/workflows/definitions';
import {
  importFinishedSignal,
  importNoticesWorkflowId,
  type ImportNoticesInput,
} from '@app/workflows/import-notices.definitions';

function isStarting(err: unknown): boolean {
  return err instanceof Error && err.message.includes('the case is starting');
}

/** No worker answered the query (none polling, or the one holding the case went away): another may soon. */
function isUnanswered(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const cause = (err as { cause?: unknown }).cause;
  const text = `${err.name} ${err.message} ${cause instanceof Error ? cause.message : ''}`;
  return /ServiceError|Failed to query|deadline|timeout|no poller/i.test(text);
}

/** The workflow refused a command (validator or handler): `code` is the engine's refusal code. */
export class CaseCommandRefused extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CaseCommandRefused';
  }
}

/** No case workflow with that id exists in Temporal. */
export class CaseWorkflowNotFound extends Error {
  constructor(public readonly workflowId: string) {
    super(`No case workflow "${workflowId}"`);
    this.name = 'CaseWorkflowNotFound';
  }
}

export interface StartedCase {
  workflowId: string;
  runId: string | undefined;
  /** true when a workflow with that business key was already running: nothing new was started */
  alreadyStarted: boolean;
}

/** The only place in the apps that talks to case workflows. */
export class CaseWorkflowClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  static workflowId(planCode: string, caseCode: string): string {
    return caseWorkflowId(planCode, caseCode);
  }

  async start(input: StartCaseInput): Promise<StartedCase> {
    const workflowId = caseWorkflowId(input.planCode, input.caseCode);
    try {
      const handle = await this.client.workflow.start('caseWorkflow', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        // A case is started once: a second create of the same business key, running or closed, starts nothing.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { workflowId, runId: handle.firstExecutionRunId, alreadyStarted: false };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        return { workflowId, runId: undefined, alreadyStarted: true };
      throw err;
    }
  }

  /**
   * Starts the notices workflow of one import (before its cases: they hand their new steps to it). Returns its id,
   * for StartCaseInput.announceNewStepsTo.
   */
  async startImportNotices(input: ImportNoticesInput, importId: string): Promise<string> {
    const workflowId = importNoticesWorkflowId(input.planCode, importId);
    await this.client.workflow.start('importNoticesWorkflow', {
      taskQueue: this.taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return workflowId;
  }

  /** Tells an import's notices workflow how many cases the import started: it sends once it has heard from all. */
  async importFinished(workflowId: string, started: number): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(importFinishedSignal, { started });
  }

  /**
   * The case as the workflow holds it. A case answers its query once its first workflow task has resolved its
   * calendar (milliseconds after start); until then the query is retried for up to `startingWaitMs`.
   */
  async getState(
    workflowId: string,
    startingWaitMs = 10_000,
    opts: {
      /** also retry while no worker answers (a worker restarting), up to the same wait */
      untilAnswered?: boolean;
    } = {},
  ): Promise<CaseSnapshot> {
    const handle = this.client.workflow.getHandle(workflowId);
    const deadline = Date.now() + startingWaitMs;
    for (;;) {
      try {
        return await handle.query(getStateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new CaseWorkflowNotFound(workflowId);
        const starting = isStarting(err);
        if (!(starting || (opts.untilAnswered && isUnanswered(err))) || Date.now() >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, starting ? 50 : 500));
      }
    }
  }

  /**
   * Sends a command as a Temporal Update and returns the case after it. `updateId` (the request's idempotency key)
   * lets the server deduplicate a retried call.
   */
  async execute(workflowId: string, cmd: CaseCommand, updateId?: string): Promise<CaseSnapshot> {
    const handle = this.client.workflow.getHandle(workflowId);
    const opts = <T>(args: T) => ({ args: [args] as [T], ...(updateId ? { updateId } : {}) });
    try {
      switch (cmd.type) {
        case 'complete': {
          const { type: _t, ...args } = cmd;
          return await handle.executeUpdate(completeStepUpdate, opts(args));
        }
        case 'decide': {
          const { type: _t, ...args } = cmd;
          return await handle.executeUpdate(decideUpdate, opts(args));
        }
        case 'milestone': {
          const { type: _t, ...args } = cmd;
          return await handle.executeUpdate(recordMilestoneUpdate, opts(args));
        }
        case 'extend_due_date': {
          const { type: _t, ...args } = cmd;
          return await handle.executeUpdate(extendDueDateUpdate, opts(args));
        }
        case 'reassign': {
          const { type: _t, ...args } = cmd;
          return await handle.executeUpdate(reassignStepUpdate, opts(args));
        }
        case 'withdraw': {
          const { type: _t, ...args } = cmd;
          return await handle.executeUpdate(withdrawCaseUpdate, opts(args));
        }
        case 'comment': {
          const { type: _t, ...args } = cmd;
          await handle.signal(addCommentSignal, args);
          return await this.getState(workflowId);
        }
      }
    } catch (err) {
      throw this.translate(workflowId, err);
    }
  }

  /** True when the namespace answers: used by /health. */
  async ping(): Promise<boolean> {
    try {
      await this.client.workflowService.describeNamespace({ namespace: this.client.options.namespace });
      return true;
    } catch {
      return false;
    }
  }

  private translate(workflowId: string, err: unknown): unknown {
    if (err instanceof WorkflowNotFoundError) return new CaseWorkflowNotFound(workflowId);
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      if (cause instanceof ApplicationFailure)
        return new CaseCommandRefused(cause.type ?? 'refused', cause.message);
      return new CaseCommandRefused('refused', cause?.message ?? err.message);
    }
    // A closed workflow cannot take updates: that is "no longer open", not a server error.
    if (err instanceof Error && /workflow execution already completed/i.test(err.message)) {
      return new CaseCommandRefused('case_closed', 'The case is closed.');
    }
    return err;
  }
}
