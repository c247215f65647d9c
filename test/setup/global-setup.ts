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
import { startFerretDb } from '../../scripts/stack/ferretdb';
import { RunningProcess } from '../../scripts/stack/processes';
import { startTemporalDevServer } from '../../scripts/stack/temporal-server';

declare global {
  var __TEST_STACK__: { processes: RunningProcess[]; workDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'applications-webhooks-test-'));
  const processes: RunningProcess[] = [];
  globalThis.__TEST_STACK__ = { processes, workDir };

  const bins = await serverBinaries();
  process.env.TEMPORAL_TEST_SERVER = bins.temporalTestServer;
  process.env.FERRETDB = bins.ferretdb;

  // Jest runs no teardown when the setup fails: once every start has ended, stop what did start.
  const starts = await Promise.allSettled([
    process.env.TEMPORAL_ADDRESS ??
      startTemporalDevServer({ cli: bins.temporalCli, logFile: join(workDir, 'temporal.log') }).then((t) => {
        processes.push(t.process);
        return t.address;
      }),
    process.env.MONGODB_URI ??
      startFerretDb({
        binary: bins.ferretdb,
        dataDir: join(workDir, 'ferretdb'),
        logFile: join(workDir, 'ferretdb.log'),
      }).then((f) => {
        processes.push(f.process);
        return f.uri;
      }),
    bundleWorkflows(join(workDir, 'workflow-bundle.js')),
  ]);
  const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((p) => p.stop(10_000)));
    throw failed.reason;
  }
  const [temporalAddress, mongodbUri] = starts.map((s) => (s as PromiseFulfilledResult<string>).value);
  process.env.TEST_TEMPORAL_ADDRESS = temporalAddress;
  // Test files add a database name of their own (test_*), never the one a given URI names.
  process.env.TEST_MONGODB_SERVER = mongodbUri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+).*$/, '$1');
  process.env.TEST_WORKFLOW_BUNDLE = join(workDir, 'workflow-bundle.js');
  process.env.TEST_WORK_DIR = workDir;
  process.stdout.write(
    `\n[test stack] Temporal ${temporalAddress}, MongoDB ${process.env.TEST_MONGODB_SERVER}, ` +
      `ready in ${((Date.now() - started) / 1000).toFixed(1)} s (logs in ${workDir})\n`,
  );
}
