/**
 * `npm start`: the whole service on the embedded stack, on loopback. Starts the Temporal dev server
 * (with its Web UI) and FerretDB unless TEMPORAL_ADDRESS / MONGODB_URI point elsewhere, then the
 * worker and the API; runs one diagnostic roundtrip to prove the path; Ctrl-C stops everything.
 * State lives in DATA_DIR (default ./data) and survives restarts.
 */
import { join } from 'node:path';
import { serverBinaries } from './stack/binaries';
import { startFerretDb } from './stack/ferretdb';
import { projectRoot } from './stack/paths';
import { preferredOrFreePort, waitUntilListening } from './stack/ports';
import { RunningProcess, startProcess } from './stack/processes';
import { localSecret } from './stack/secrets';
import { startTemporalDevServer } from './stack/temporal-server';

const root = projectRoot();
const dataDir = process.env.DATA_DIR ?? join(root, 'data');
const logDir = join(dataDir, 'logs');
const running: RunningProcess[] = [];
let stopping = false;

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  say(`data folder: ${dataDir} (logs in ${logDir})`);
  say('checking the pinned servers (installed into the cache on first run)');
  const bins = await serverBinaries();

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalUi: string | undefined;
  if (temporalAddress) {
    say(`Temporal: using TEMPORAL_ADDRESS=${temporalAddress}`);
  } else {
    say('Temporal dev server: starting');
    const temporal = await startTemporalDevServer({
      cli: bins.temporalCli,
      port: await preferredOrFreePort(Number(process.env.TEMPORAL_PORT ?? 7233)),
      uiPort: await preferredOrFreePort(Number(process.env.TEMPORAL_UI_PORT ?? 8233)),
      dbFile: join(dataDir, 'temporal.sqlite'),
      logFile: join(logDir, 'temporal.log'),
    });
    running.push(temporal.process);
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
    say(`Temporal dev server: ${temporalAddress}, Web UI ${temporalUi}`);
  }

  let mongodbUri = process.env.MONGODB_URI;
  if (mongodbUri) {
    say('MongoDB: using MONGODB_URI');
  } else {
    say('FerretDB: starting');
    const ferret = await startFerretDb({
      binary: bins.ferretdb,
      dataDir: join(dataDir, 'ferretdb'),
      port: await preferredOrFreePort(Number(process.env.FERRETDB_PORT ?? 27017)),
      logFile: join(logDir, 'ferretdb.log'),
    });
    running.push(ferret.process);
    mongodbUri = `${ferret.uri}/webhooks`;
    say(`FerretDB: ${mongodbUri}`);
  }

  const adminToken = process.env.ADMIN_TOKEN ?? localSecret(join(dataDir, 'admin-token')).value;
  let masterKey = process.env.MASTER_KEY;
  if (!masterKey) {
    const generated = localSecret(join(dataDir, 'master-key'), 32, 'base64');
    masterKey = generated.value;
    say(
      `WARNING: MASTER_KEY not set: ${generated.created ? 'generated' : 'using'} a development master key in ` +
        `${join(dataDir, 'master-key')}. Losing it loses every stored key; never use it in production.`,
    );
  }
  const apiPort = await preferredOrFreePort(Number(process.env.PORT ?? 3000));
  const env = {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    MONGODB_URI: mongodbUri,
    TEMPORAL_ADDRESS: temporalAddress,
    ADMIN_TOKEN: adminToken,
    MASTER_KEY: masterKey,
    // Local development: webhooks may go to receivers on this machine.
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: process.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS ?? 'true',
    PORT: String(apiPort),
    TEMPORAL_WORKFLOW_BUNDLE: join(root, 'dist', 'workflow-bundle.js'),
  };
  say('worker: starting');
  running.push(
    startProcess({
      name: 'worker',
      command: process.execPath,
      args: [join(root, 'dist/apps/worker/src/main.js')],
      env,
      echo: true,
      logFile: join(logDir, 'worker.log'),
    }),
  );
  say('API: starting');
  running.push(
    startProcess({
      name: 'api',
      command: process.execPath,
      args: [join(root, 'dist/apps/api/src/main.js')],
      env,
      echo: true,
      logFile: join(logDir, 'api.log'),
    }),
  );
  for (const child of running) {
    void child.exited.then((code) => {
      if (!stopping) {
        say(`${child.name} exited unexpectedly (code ${code}); stopping everything (see ${logDir})`);
        void stop(1);
      }
    });
  }
  await waitUntilListening(apiPort, 60_000, 'API');

  const api = `http://127.0.0.1:${apiPort}`;
  const roundtrip = await smokeCheck(api, adminToken);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  API          ${api}/v1   (health: ${api}/v1/health/ready)`);
  say(`  API docs     ${api}/docs   (OpenAPI JSON: ${api}/docs-json)`);
  if (temporalUi) say(`  Temporal UI  ${temporalUi}/namespaces/default/workflows`);
  say(
    `  operator token (Authorization: Bearer ...): ${process.env.ADMIN_TOKEN ? '$ADMIN_TOKEN' : adminToken}`,
  );
  say(`  smoke check: workflow ${roundtrip} ran end to end`);
  say('Ctrl-C stops everything');
}

/** One diagnostic roundtrip: proves API -> Temporal -> worker -> MongoDB -> API. */
async function smokeCheck(api: string, adminToken: string): Promise<string> {
  const response = await fetch(`${api}/v1/diagnostics/roundtrips`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  const body = (await response.json()) as { workflowId?: string; message?: string };
  if (!response.ok || !body.workflowId)
    throw new Error(`smoke check failed: ${response.status} ${body.message}`);
  return body.workflowId;
}

/** Stops the app first (the worker drains), then the servers it depends on. */
async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping');
  for (const child of [...running].reverse()) await child.stop(15_000);
  say('stopped');
  process.exit(exitCode);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch((err: unknown) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  void stop(1);
});
