import { join } from 'node:path';
import { ServerBinaries, serverBinaries } from './binaries';
import { startFerretDb } from './ferretdb';
import { projectRoot } from '../../libs/common/project-root';
import { waitUntilListening } from './ports';
import { startPostgres } from './postgres';
import { RunningProcess, startProcess } from './processes';
import { startTemporalCluster, TemporalCluster } from './temporal-cluster';
import { startTemporalDevServer } from './temporal-server';

/**
 * The one stack starter of `npm start`, the tests' global setup and the benchmarks: the servers
 * (Temporal dev server, and FerretDB on PostgreSQL, each unless an address of one elsewhere is given), then the
 * service's own processes (the built API and worker).
 */

export interface ServersOptions {
  /** Where the servers' logs go (temporal.log, ferretdb.log). */
  logDir: string;
  /** Use this Temporal instead of starting a dev server. */
  temporalAddress?: string;
  /** The dev server: fixed ports (default free ones, headless) and a state file (default in memory). */
  temporal?: { port?: number; uiPort?: number; dbFile?: string };
  /** Use this MongoDB-protocol server (a mongodb:// URI) instead of starting FerretDB. */
  mongodbUri?: string;
  /**
   * The embedded store: FerretDB (its state, and a fixed port, default a free one) on PostgreSQL
   * (its cluster under `dataDir/postgres`), or on SQLite files (FERRETDB_STORAGE=sqlite).
   */
  ferretdb: { dataDir: string; port?: number; storage?: FerretDbStorage };
  /**
   * Instead of the dev server, Temporal as production runs it (temporal-cluster.ts): its services
   * apart, on the PostgreSQL FerretDB stores in. `npm run test:cluster`, BENCH_TOPOLOGY=cluster.
   */
  temporalCluster?: { historyHosts?: number };
}

export type FerretDbStorage = 'postgresql' | 'sqlite';

export interface Servers {
  temporalAddress: string;
  /** The dev server's Web UI, when one was started with a UI port. */
  temporalUi?: string;
  /** The MongoDB server, as given or as started (a started FerretDB's has no database name). */
  mongodbUri: string;
  /** What this started (not what it was given), in start order. */
  processes: RunningProcess[];
  /** The Temporal cluster, when asked for one: its hosts, to kill and restart. */
  temporalCluster?: TemporalCluster;
}

/** Starts what is not given, at once; if one fails, stops the ones that did start. */
export async function startServers(options: ServersOptions): Promise<Servers> {
  if (options.temporalCluster) return startClusterServers(options);
  const bins = await serverBinaries();
  const processes: RunningProcess[] = [];
  const starts = await Promise.allSettled([
    options.temporalAddress
      ? { address: options.temporalAddress, uiUrl: undefined }
      : startTemporalDevServer({
          cli: bins.temporalCli,
          ...options.temporal,
          logFile: join(options.logDir, 'temporal.log'),
        }).then((temporal) => {
          processes.push(temporal.process);
          return temporal;
        }),
    options.mongodbUri ?? startDocumentStore(bins, options, (p) => processes.push(p)),
  ]);
  const [temporal, mongodb] = starts;
  if (temporal.status === 'rejected' || mongodb.status === 'rejected') {
    await Promise.all(processes.map((p) => p.stop(10_000)));
    throw (temporal.status === 'rejected' ? temporal : (mongodb as PromiseRejectedResult)).reason;
  }
  return {
    temporalAddress: temporal.value.address,
    temporalUi: temporal.value.uiUrl,
    mongodbUri: mongodb.value,
    processes,
  };
}

/** PostgreSQL, then on it the Temporal cluster and FerretDB. */
async function startClusterServers(options: ServersOptions): Promise<Servers> {
  const bins = await serverBinaries({ temporalServer: true });
  const processes: RunningProcess[] = [];
  let cluster: TemporalCluster | undefined;
  try {
    const postgres = await startEmbeddedPostgres(bins, options);
    processes.push(postgres.process);
    const url = new URL(postgres.url);
    const [temporal, ferret] = await Promise.allSettled([
      startTemporalCluster({
        server: bins.temporalServer!,
        sqlTool: bins.temporalSqlTool!,
        cli: bins.temporalCli,
        postgres: { port: postgres.port, user: url.username, password: decodeURIComponent(url.password) },
        logDir: options.logDir,
        historyHosts: options.temporalCluster?.historyHosts,
      }),
      startStoreFerretDb(bins, options, postgres.url),
    ]);
    if (temporal.status === 'fulfilled') cluster = temporal.value;
    if (ferret.status === 'fulfilled') processes.push(ferret.value.process);
    if (temporal.status === 'rejected') throw temporal.reason;
    if (ferret.status === 'rejected') throw ferret.reason;
    processes.splice(1, 0, ...cluster!.hosts.map((h) => h.process));
    return {
      temporalAddress: cluster!.address,
      mongodbUri: ferret.value.uri,
      processes,
      temporalCluster: cluster,
    };
  } catch (err) {
    await cluster?.stop();
    await Promise.all(processes.map((p) => p.stop(10_000)));
    throw err;
  }
}

/** FerretDB, on a PostgreSQL started first unless it stores in SQLite; its mongodb:// URI. */
async function startDocumentStore(
  bins: ServerBinaries,
  options: ServersOptions,
  started: (process: RunningProcess) => void,
): Promise<string> {
  const { storage = storageFromEnvironment() } = options.ferretdb;
  let postgresqlUrl: string | undefined;
  if (storage === 'postgresql') {
    const postgres = await startEmbeddedPostgres(bins, options);
    started(postgres.process);
    postgresqlUrl = postgres.url;
  }
  const ferret = await startStoreFerretDb(bins, options, postgresqlUrl);
  started(ferret.process);
  return ferret.uri;
}

/** The embedded PostgreSQL, its cluster under the store's data folder. */
function startEmbeddedPostgres(bins: ServerBinaries, options: ServersOptions) {
  return startPostgres({
    binDir: bins.postgresBinDir,
    dataDir: join(options.ferretdb.dataDir, 'postgres'),
    logFile: join(options.logDir, 'postgres.log'),
  });
}

/** The store's FerretDB: on that PostgreSQL, or on SQLite files when no URL is given. */
function startStoreFerretDb(bins: ServerBinaries, options: ServersOptions, postgresqlUrl?: string) {
  return startFerretDb({
    binary: bins.ferretdb,
    dataDir: options.ferretdb.dataDir,
    port: options.ferretdb.port,
    postgresqlUrl,
    logFile: join(options.logDir, 'ferretdb.log'),
  });
}

/** FERRETDB_STORAGE, checked: postgresql unless set. */
export function storageFromEnvironment(): FerretDbStorage {
  const storage = process.env.FERRETDB_STORAGE ?? 'postgresql';
  if (storage !== 'postgresql' && storage !== 'sqlite')
    throw new Error(`FERRETDB_STORAGE must be postgresql or sqlite, not "${storage}"`);
  return storage;
}

export interface ServicesOptions {
  /** Both processes' environment (MONGODB_URI, TEMPORAL_ADDRESS, PORT, secrets, ...). */
  env: Record<string, string> & { PORT: string };
  /** Where api.log and worker.log go. */
  logDir: string;
  /** Copy their output to this process' stdout, line by line. */
  echo?: boolean;
  /** Told of each process as it starts, so a stop asked for meanwhile reaches it. */
  onStart?: (process: RunningProcess) => void;
}

const QUIET_LEVELS = ['warn', 'error', 'fatal', 'silent'];

/**
 * Node's flags for the benchmarks' profiles and trials: CPU_PROFILE_DIR, each process writes a V8 CPU
 * profile there when it stops; PERF_PROFILE_DIR, its JIT code is mapped for Linux perf
 * (bench/lib/perf-profile.ts); BENCH_NODE_FLAGS, any more.
 */
export function benchNodeFlags(): string[] {
  return [
    ...(process.env.CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROFILE_DIR}`] : []),
    ...(process.env.PERF_PROFILE_DIR ? ['--perf-basic-prof-only-functions'] : []),
    // Node and V8 flags to try as levers (e.g. --max-semi-space-size=64), space-separated.
    ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  ];
}

/**
 * The built API and worker (dist/), each its own process; resolves once the API listens and the
 * worker says it polls (when its log level lets it say so).
 */
export async function startServices(
  options: ServicesOptions,
): Promise<{ api: RunningProcess; worker: RunningProcess }> {
  const root = projectRoot(__dirname);
  const start = (name: 'api' | 'worker') => {
    const started = startProcess({
      name,
      command: process.execPath,
      args: [...benchNodeFlags(), join(root, 'dist', 'apps', name, 'src', 'main.js')],
      env: { TEMPORAL_WORKFLOW_BUNDLE: join(root, 'dist', 'workflow-bundle.js'), ...options.env },
      logFile: join(options.logDir, `${name}.log`),
      echo: options.echo,
    });
    options.onStart?.(started);
    return started;
  };
  const worker = start('worker');
  const api = start('api');
  const workerLevel = options.env.LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info';
  const up = Promise.all([
    QUIET_LEVELS.includes(workerLevel) ? undefined : worker.waitFor(/Worker polling task queue/, 120_000),
    waitUntilListening(Number(options.env.PORT), 120_000, 'API'),
  ]);
  const died = Promise.race([worker, api].map((p) => p.exited.then(({ code }) => ({ p, code }))));
  const first = await Promise.race([up.then(() => null), died]);
  if (first) {
    await Promise.all([api.stop(5_000), worker.stop(5_000)]);
    throw new Error(`${first.p.name} exited (code ${first.code}) while starting; see ${options.logDir}`);
  }
  return { api, worker };
}
