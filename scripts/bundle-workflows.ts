/**
 * Bundles workflows/ into dist/workflow-bundle.js, which the worker loads (TEMPORAL_WORKFLOW_BUNDLE),
 * and its traced variant beside it (dist/workflow-bundle.traced.js, loaded when tracing is on).
 */
import { join } from 'node:path';
import { bundleWorkflows, tracedBundlePath } from '../libs/temporal/workflow-bundle';
import { projectRoot } from '../libs/common/project-root';

const outFile = join(projectRoot(), 'dist', 'workflow-bundle.js');
bundleWorkflows(outFile)
  .then(() => process.stdout.write(`workflow bundle: ${outFile} (traced: ${tracedBundlePath(outFile)})\n`))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
