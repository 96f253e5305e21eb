// A workflow that waits for a signal: something to ask for its stack trace (test/integration/workflow-stack-traces.int-spec.ts).
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const finishSignal = defineSignal('finish');

export async function waitForFinish(): Promise<string> {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return 'finished';
}
