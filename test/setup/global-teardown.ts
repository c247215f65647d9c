import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__TEST_STACK__;
  if (!stack) return;
  await Promise.all(stack.processes.map((p) => p.stop(10_000)));
  if (!process.env.KEEP_TEST_LOGS) rmSync(stack.workDir, { recursive: true, force: true });
}
