// napflow's patch of the Temporal SDK (patches/README.md): a worker created while workflow stack traces are off
// records none (the SDK's promise hook is not installed in its workflow thread) and answers the `__stack_trace`
// query with the SDK's "not enabled" error; created while they are on, it answers with the workflow's stack.
// Against the Temporal dev server of the integration setup, one worker (one workflow thread) per setting.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { configureWorkflowStackTraces, WORKFLOW_STACK_TRACES_ENV } from '@app/temporal';
import { finishSignal, waitForFinish } from '../support/stack-trace.workflow';

describe('workflow stack traces (patched SDK)', () => {
  const address = process.env.TEMPORAL_ADDRESS as string;
  const namespace = process.env.TEMPORAL_NAMESPACE as string;
  const before = process.env[WORKFLOW_STACK_TRACES_ENV];
  let bundle: WorkflowBundleWithSourceMap;
  let connection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;

  beforeAll(async () => {
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../support/stack-trace.workflow'),
      logger: new DefaultLogger('WARN'),
    });
    connection = await NativeConnection.connect({ address });
    clientConnection = await Connection.connect({ address });
    client = new Client({ connection: clientConnection, namespace });
  });

  afterAll(async () => {
    if (before === undefined) delete process.env[WORKFLOW_STACK_TRACES_ENV];
    else process.env[WORKFLOW_STACK_TRACES_ENV] = before;
    await connection?.close();
    await clientConnection?.close();
  });

  /** Starts a worker under the setting, a waiting workflow on it, and returns its answer to `__stack_trace`. */
  async function stackTraceQuery(enabled: boolean): Promise<PromiseSettledResult<unknown>> {
    expect(configureWorkflowStackTraces(enabled)).toEqual({ enabled, patchApplied: true });
    const taskQueue = `napflow-stack-traces-${enabled}-${randomUUID()}`;
    const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: bundle });
    return worker.runUntil(async () => {
      const handle = await client.workflow.start(waitForFinish, {
        taskQueue,
        workflowId: `stack-traces-${enabled}-${randomUUID()}`,
      });
      const [answer] = await Promise.allSettled([handle.query<unknown>('__stack_trace')]);
      await handle.signal(finishSignal);
      await expect(handle.result()).resolves.toBe('finished');
      return answer;
    });
  }

  it('off: the query is refused by the SDK, the workflow runs as ever', async () => {
    const answer = await stackTraceQuery(false);
    expect(answer.status).toBe('rejected');
    expect(String((answer as PromiseRejectedResult).reason)).toMatch(
      /Workflow stack traces are not enabled on this worker/,
    );
  });

  it('on: the query answers with the stack of the waiting workflow', async () => {
    const answer = await stackTraceQuery(true);
    expect(answer.status).toBe('fulfilled');
    expect(String((answer as PromiseFulfilledResult<unknown>).value)).toMatch(/waitForFinish/);
  });
});
