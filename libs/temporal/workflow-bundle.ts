import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger, WorkerOptions } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES, workflowSpanSinks } from './tracing-interceptors';

/** The folder of the workflow code (resolves to .ts under ts tooling and to .js once built). */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Bundles the workflow code once, for a production image or a test run, to load with `workflowBundle`. */
export async function bundleWorkflows(outFile: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(outFile, code);
}

/**
 * The workflow code a worker runs, and what it needs of the worker: a prebuilt bundle when
 * configured, else the source bundled at start (with the tracing interceptors, as the prebuilt one
 * has them); either way the sink those interceptors export workflow spans to.
 */
export function workflowSource(bundlePath: string | undefined): Pick<
  WorkerOptions,
  'workflowBundle' | 'workflowsPath' | 'sinks'
> & {
  interceptors: { workflowModules?: string[] };
} {
  const sinks = workflowSpanSinks();
  return bundlePath
    ? { workflowBundle: { codePath: bundlePath }, sinks, interceptors: {} }
    : {
        workflowsPath: WORKFLOWS_PATH,
        sinks,
        interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
      };
}
