export {
  CaseWorkflowClient,
  CaseCommandRefused,
  CaseWorkflowNotFound,
  type StartedCase,
} from './case-workflow.client';
export { TemporalClientModule, TEMPORAL_HANDLES } from './temporal-client.module';
export { createTemporalClient, type TemporalHandles } from './temporal-connection';
export {
  bundleNapflowWorkflows,
  napflowBundlerOptions,
  napflowWebpackConfigHook,
  workflowAliases,
  workflowsPath,
} from './workflow-bundle';
export {
  configureWorkflowStackTraces,
  workflowStackTracePatchApplied,
  WORKFLOW_STACK_TRACES_ENV,
  type WorkflowStackTraceSetting,
} from './workflow-stack-traces';
