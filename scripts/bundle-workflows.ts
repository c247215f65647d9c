/** Bundles workflows/ into dist/workflow-bundle.js, which the worker loads (TEMPORAL_WORKFLOW_BUNDLE). */
import { join } from 'node:path';
import { bundleWorkflows } from '../libs/temporal/workflow-bundle';
import { projectRoot } from '../libs/common/project-root';

const outFile = join(projectRoot(), 'dist', 'workflow-bundle.js');
bundleWorkflows(outFile)
  .then(() => process.stdout.write(`workflow bundle: ${outFile}\n`))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
