import {
  configureWorkflowStackTraces,
  WORKFLOW_STACK_TRACES_ENV,
  workflowStackTracePatchApplied,
} from './workflow-stack-traces';

describe('workflow stack traces setting', () => {
  const before = process.env[WORKFLOW_STACK_TRACES_ENV];
  afterEach(() => {
    if (before === undefined) delete process.env[WORKFLOW_STACK_TRACES_ENV];
    else process.env[WORKFLOW_STACK_TRACES_ENV] = before;
  });

  it('finds the patch applied to the installed SDK (npm install runs patch-package)', () => {
    expect(workflowStackTracePatchApplied()).toBe(true);
  });

  it('sets the variable the patched SDK reads in its workflow thread', () => {
    expect(configureWorkflowStackTraces(false)).toEqual({ enabled: false, patchApplied: true });
    expect(process.env[WORKFLOW_STACK_TRACES_ENV]).toBe('false');
    expect(configureWorkflowStackTraces(true)).toEqual({ enabled: true, patchApplied: true });
    expect(process.env[WORKFLOW_STACK_TRACES_ENV]).toBe('true');
  });
});
