/**
 * Starts one Temporal dev server and one FerretDB for the whole run on free loopback ports (or uses
 * TEMPORAL_ADDRESS / MONGODB_URI), and bundles the workflow code once. Test files read what they
 * need from the environment this leaves; the teardown stops the servers, also when tests fail.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows } from '../../libs/temporal/workflow-bundle';
import { serverBinaries } from '../../scripts/stack/binaries';
import { RunningProcess } from '../../scripts/stack/processes';
import { startServers } from '../../scripts/stack/service-stack';

declare global {
  var __TEST_STACK__: { processes: RunningProcess[]; workDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const startedAt = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'applications-webhooks-test-'));
  const bins = await serverBinaries();
  process.env.TEMPORAL_TEST_SERVER = bins.temporalTestServer;
  process.env.FERRETDB = bins.ferretdb;

  // Jest runs no teardown when the setup fails: stop what did start (startServers does so itself
  // when one of the servers fails).
  const [started, bundled] = await Promise.allSettled([
    startServers({
      logDir: workDir,
      temporalAddress: process.env.TEMPORAL_ADDRESS,
      mongodbUri: process.env.MONGODB_URI,
      ferretdb: { dataDir: join(workDir, 'ferretdb') },
    }),
    bundleWorkflows(join(workDir, 'workflow-bundle.js')),
  ]);
  if (started.status === 'rejected') throw started.reason;
  const servers = started.value;
  if (bundled.status === 'rejected') {
    await Promise.all(servers.processes.map((p) => p.stop(10_000)));
    throw bundled.reason;
  }
  globalThis.__TEST_STACK__ = { processes: servers.processes, workDir };
  process.env.TEST_TEMPORAL_ADDRESS = servers.temporalAddress;
  // Test files add a database name of their own (test_*), never the one a given URI names.
  process.env.TEST_MONGODB_SERVER = servers.mongodbUri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+).*$/, '$1');
  process.env.TEST_WORKFLOW_BUNDLE = join(workDir, 'workflow-bundle.js');
  process.env.TEST_WORK_DIR = workDir;
  process.stdout.write(
    `\n[test stack] Temporal ${servers.temporalAddress}, MongoDB ${process.env.TEST_MONGODB_SERVER}, ` +
      `ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (logs in ${workDir})\n`,
  );
}
