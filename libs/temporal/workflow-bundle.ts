import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger, WorkerOptions } from '@temporalio/worker';
import { activeTracing } from '../observability/tracing';
import { WORKFLOW_INTERCEPTOR_MODULES, workflowSpanSinks } from './tracing-interceptors';

/** The folder of the workflow code (resolves to .ts under ts tooling and to .js once built). */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * The traced variant of a bundle, built beside it: the same workflow code with the OpenTelemetry
 * workflow interceptors. Kept apart because they cost a quarter of the delivery throughput even
 * when no span leaves the worker; the worker loads it only when tracing is on.
 */
export const tracedBundlePath = (bundlePath: string) => bundlePath.replace(/(\.js)?$/, '.traced.js');

/**
 * Bundles the workflow code once, for a production image or a test run, to load with
 * `workflowBundle`: `outFile`, and its traced variant (tracedBundlePath).
 */
export async function bundleWorkflows(outFile: string): Promise<void> {
  const bundle = async (file: string, workflowInterceptorModules: string[]) => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      workflowInterceptorModules,
      logger: new DefaultLogger('WARN'),
    });
    await writeFile(file, code);
  };
  await Promise.all([bundle(outFile, []), bundle(tracedBundlePath(outFile), WORKFLOW_INTERCEPTOR_MODULES)]);
}

/**
 * The workflow code a worker runs, and what it needs of the worker: a prebuilt bundle when
 * configured (its traced variant when tracing is on), else the source bundled at start (with the
 * tracing interceptors when tracing is on); and the sink of those interceptors' spans. Either code
 * replays the other's histories: the interceptors add headers and spans, never commands.
 */
export function workflowSource(
  bundlePath: string | undefined,
  traced = activeTracing() !== undefined,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'sinks'> & {
  interceptors: { workflowModules?: string[] };
} {
  const sinks = workflowSpanSinks();
  if (bundlePath)
    return {
      workflowBundle: { codePath: traced ? tracedBundlePath(bundlePath) : bundlePath },
      sinks,
      interceptors: {},
    };
  return {
    workflowsPath: WORKFLOWS_PATH,
    sinks,
    interceptors: { workflowModules: traced ? WORKFLOW_INTERCEPTOR_MODULES : [] },
  };
}
