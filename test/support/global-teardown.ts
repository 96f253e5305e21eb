// Jest globalTeardown: stops what global-setup.ts started (children, in-process SMTP sink, temp data).
import type { DevStack } from '@app/devstack';

type GlobalWithStack = typeof globalThis & { __napflowDevStack?: DevStack };

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as GlobalWithStack;
  const stack = g.__napflowDevStack;
  if (!stack) return;
  g.__napflowDevStack = undefined;
  const t0 = Date.now();
  await stack.stop();
  console.log(`[napflow:test] services stopped in ${Date.now() - t0} ms`);
}
