import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger, WorkerOptions } from '@temporalio/worker';

/** The folder of the workflow code (resolves to .ts under ts tooling and to .js once built). */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Bundles the workflow code once, for a production image or a test run, to load with `workflowBundle`. */
export async function bundleWorkflows(outFile: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(outFile, code);
}

/** A prebuilt bundle when configured; else the worker bundles the source at start. */
export function workflowSource(
  bundlePath: string | undefined,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: WORKFLOWS_PATH };
}
