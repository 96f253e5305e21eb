// The workflow entry point the worker bundles: every function exported here is registered as a workflow type,
// so export workflows only (message definitions and helpers are imported from their own files).
export { caseWorkflow } from './case.workflow';
export { digestWorkflow } from './digest.workflow';
export { importNoticesWorkflow } from './import-notices.workflow';
