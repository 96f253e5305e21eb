// The baseline worker: the bare SDK, the baseline workflows only, no activities, no Nest, no napflow code.
// Run as its own process (bench/support/stack.ts spawns it) so its memory is measured apart from everything else.
import path from 'node:path';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';

export const BASELINE_TASK_QUEUE = 'bench-baseline';

export async function runBaselineWorker(address: string, namespace: string): Promise<void> {
  Runtime.install({ shutdownSignals: [] });
  const workflowsPath = path.join(__dirname, fileExt() === '.ts' ? 'workflows.ts' : 'workflows.js');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: BASELINE_TASK_QUEUE,
    workflowBundle: { code },
  });
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.send?.({ ready: true });
  console.log('[baseline-worker] ready');
  await worker.run();
  await connection.close();
}

function fileExt(): string {
  return path.extname(__filename);
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

if (require.main === module) {
  const address = process.env.TEMPORAL_ADDRESS;
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  if (!address) {
    console.error('TEMPORAL_ADDRESS is not set');
    process.exit(1);
  }
  runBaselineWorker(address, namespace).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
