// The Temporal SDK's worker records a stack trace for every promise a workflow creates (a V8 promise hook in the
// workflow thread: an Error, its stack formatted through the bundle's source map), only to answer the
// `__stack_trace` query (the Temporal UI's "Stack Trace" tab). Measured on two cores it is about a sixth of the CPU
// of a decision (docs/performance.md), and the SDK has no option to turn it off (sdk-typescript issue 1587).
// napflow's patch of the SDK (patches/, applied by patch-package in `npm install`) skips the hook in a workflow
// thread started while NAPFLOW_WORKFLOW_STACK_TRACES is "false"; unset (any other process, the benchmark's bare
// baseline) the SDK behaves as shipped. A workflow thread copies the environment when it starts: set it before
// Worker.create.
import { readFileSync } from 'node:fs';

export const WORKFLOW_STACK_TRACES_ENV = 'NAPFLOW_WORKFLOW_STACK_TRACES';

/** The file the patch changes, and a line only the patched file has. */
const PATCHED_FILE = '@temporalio/worker/lib/workflow/vm-shared.js';
const PATCH_MARKER = `process.env.${WORKFLOW_STACK_TRACES_ENV} !== 'false'`;

/** Whether the installed SDK carries napflow's patch (it does not after `npm install --ignore-scripts`). */
export function workflowStackTracePatchApplied(): boolean {
  return readFileSync(require.resolve(PATCHED_FILE), 'utf8').includes(PATCH_MARKER);
}

export interface WorkflowStackTraceSetting {
  /** stack traces are recorded by the workers created from now on */
  enabled: boolean;
  /** false: the SDK is unpatched, so they are recorded whatever was asked */
  patchApplied: boolean;
}

/** Sets whether workers created from now on (in this process) record workflow stack traces. */
export function configureWorkflowStackTraces(enabled: boolean): WorkflowStackTraceSetting {
  process.env[WORKFLOW_STACK_TRACES_ENV] = enabled ? 'true' : 'false';
  const patchApplied = workflowStackTracePatchApplied();
  return { enabled: enabled || !patchApplied, patchApplied };
}
