/**
 * `npm start`: the whole service on the embedded stack, on loopback. Starts the Temporal dev server
 * (with its Web UI) and FerretDB on PostgreSQL unless TEMPORAL_ADDRESS / MONGODB_URI point elsewhere, then the
 * worker and the API; runs one diagnostic roundtrip to prove the path; Ctrl-C stops everything.
 * State lives in DATA_DIR (default ./data) and survives restarts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../libs/common/project-root';
import { DEVELOPMENT_WORKER_METRICS_PORT } from '../libs/config/environment';
import { preferredOrFreePort } from './stack/ports';
import { RunningProcess } from './stack/processes';
import { localSecret } from './stack/secrets';
import { startServers, startServices, storageFromEnvironment } from './stack/service-stack';

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
  if (process.env.TEMPORAL_ADDRESS) say(`Temporal: using TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS}`);
  else say('Temporal dev server: starting');
  if (process.env.MONGODB_URI) say('MongoDB: using MONGODB_URI');
  else say('FerretDB: starting');
  const ferretDir = join(dataDir, 'ferretdb');
  if (
    !process.env.MONGODB_URI &&
    storageFromEnvironment() === 'postgresql' &&
    existsSync(join(ferretDir, 'sqlite')) &&
    !existsSync(join(ferretDir, 'postgres'))
  )
    say(
      `NOTE: FerretDB now stores in PostgreSQL (a new, empty store); the documents kept before stay in ` +
        `${join(ferretDir, 'sqlite')}: FERRETDB_STORAGE=sqlite npm start serves them from there.`,
    );
  const servers = await startServers({
    logDir,
    temporalAddress: process.env.TEMPORAL_ADDRESS,
    temporal: {
      port: await preferredOrFreePort(Number(process.env.TEMPORAL_PORT ?? 7233)),
      uiPort: await preferredOrFreePort(Number(process.env.TEMPORAL_UI_PORT ?? 8233)),
      dbFile: join(dataDir, 'temporal.sqlite'),
    },
    mongodbUri: process.env.MONGODB_URI,
    ferretdb: {
      dataDir: ferretDir,
      port: await preferredOrFreePort(Number(process.env.FERRETDB_PORT ?? 27017)),
    },
  });
  running.push(...servers.processes);
  const mongodbUri = process.env.MONGODB_URI ?? `${servers.mongodbUri}/webhooks`;
  if (servers.temporalUi)
    say(`Temporal dev server: ${servers.temporalAddress}, Web UI ${servers.temporalUi}`);
  if (!process.env.MONGODB_URI) say(`FerretDB: ${mongodbUri}`);

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
  const workerMetricsPort = await preferredOrFreePort(
    Number(process.env.WORKER_METRICS_PORT ?? DEVELOPMENT_WORKER_METRICS_PORT),
  );
  say('worker and API: starting');
  await startServices({
    logDir,
    echo: true,
    onStart: (child) => running.push(child),
    env: {
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      MONGODB_URI: mongodbUri,
      TEMPORAL_ADDRESS: servers.temporalAddress,
      ADMIN_TOKEN: adminToken,
      MASTER_KEY: masterKey,
      // Local development: webhooks may go to receivers on this machine.
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: process.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS ?? 'true',
      PORT: String(apiPort),
      WORKER_METRICS_PORT: String(workerMetricsPort),
    },
  });
  for (const child of running) {
    void child.exited.then(({ code }) => {
      if (!stopping) {
        say(`${child.name} exited unexpectedly (code ${code}); stopping everything (see ${logDir})`);
        void stop(1);
      }
    });
  }

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const roundtrip = await smokeCheck(apiUrl, adminToken);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  API          ${apiUrl}/v1   (health: ${apiUrl}/v1/health/ready)`);
  say(`  API docs     ${apiUrl}/docs   (OpenAPI JSON: ${apiUrl}/docs-json)`);
  say(`  Console      ${apiUrl}/console   (sign in with a workspace API token)`);
  say(`  Metrics      ${apiUrl}/metrics (API), http://127.0.0.1:${workerMetricsPort}/metrics (worker)`);
  say(
    `  Traces       ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? `sent to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}` : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to send them)'}`,
  );
  if (servers.temporalUi) say(`  Temporal UI  ${servers.temporalUi}/namespaces/default/workflows`);
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
