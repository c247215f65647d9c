import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { projectRoot } from '../../libs/common/project-root';
import { freePort } from './ports';
import { RunningProcess, startProcess, untilListening } from './processes';

/**
 * Temporal as production runs it: the server built from its Go module, on PostgreSQL, each service
 * its own process (frontend, history hosts, matching, the internal worker), configured by the
 * server's own template from deploy/temporal/server.env and set up by deploy/temporal/setup.sh —
 * the files the compose deployment uses too. On loopback, every port a free one.
 */

/** deploy/temporal: the Temporal configuration the compose deployment and this cluster share. */
export const TEMPORAL_DEPLOY_DIR = join(projectRoot(__dirname), 'deploy', 'temporal');

export type TemporalRole = 'frontend' | 'history' | 'matching' | 'worker';

export interface TemporalHost {
  /** `frontend`, `history-1`, `history-2`, `matching`, `worker`. */
  name: string;
  role: TemporalRole;
  process: RunningProcess;
}

export interface TemporalCluster {
  /** The frontend's gRPC address. */
  address: string;
  hosts: TemporalHost[];
  host(name: string): TemporalHost;
  /** SIGKILL, as a host dies: no goodbye to the membership ring. */
  kill(name: string): Promise<void>;
  /** Starts a host again on its ports (after a kill). */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TemporalClusterOptions {
  /** temporal-server and temporal-sql-tool, built from the pinned module (install-servers.sh --temporal-server). */
  server: string;
  sqlTool: string;
  /** The Temporal CLI, for setup.sh namespace. */
  cli: string;
  /** The PostgreSQL it stores in (as superuser: setup creates its two databases). */
  postgres: { port: number; user: string; password: string };
  logDir: string;
  historyHosts?: number;
}

/** deploy/temporal/server.env, the settings every Temporal service process shares. */
export function temporalServerSettings(): Record<string, string> {
  return deployEnvFile('server.env');
}

/** A KEY=VALUE file of deploy/temporal, read as compose's env_file reads it (Node's own parser). */
export function deployEnvFile(name: string): Record<string, string> {
  return parseEnv(readFileSync(join(TEMPORAL_DEPLOY_DIR, name), 'utf8')) as Record<string, string>;
}

/** deploy/temporal/setup.sh `schema` or `namespace`, with the tools and addresses of this cluster. */
async function setup(step: 'schema' | 'namespace', env: Record<string, string>): Promise<void> {
  await promisify(execFile)('bash', [join(TEMPORAL_DEPLOY_DIR, 'setup.sh'), step], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    maxBuffer: 1 << 22,
  });
}

export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const database = {
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(options.postgres.port),
    POSTGRES_USER: options.postgres.user,
    POSTGRES_PWD: options.postgres.password,
  };
  await setup('schema', { ...database, SQL_TOOL: options.sqlTool });

  const port = () => freePort();
  // Temporal keeps membership ports in a smallint column: under 32768.
  const membershipPort = async () => String(await freePort({ below: 32_768 }));
  const shared: Record<string, string> = {
    ...temporalServerSettings(),
    ...database,
    DYNAMIC_CONFIG_FILE_PATH: join(TEMPORAL_DEPLOY_DIR, 'dynamicconfig.yaml'),
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    // Every process knows the frontend's ports: the cluster's metadata names its address.
    FRONTEND_GRPC_PORT: String(await port()),
    FRONTEND_HTTP_PORT: String(await port()),
    FRONTEND_MEMBERSHIP_PORT: await membershipPort(),
    MATCHING_GRPC_PORT: String(await port()),
    MATCHING_MEMBERSHIP_PORT: await membershipPort(),
    WORKER_GRPC_PORT: String(await port()),
    WORKER_MEMBERSHIP_PORT: await membershipPort(),
  };
  const plan: { name: string; role: TemporalRole; env: Record<string, string>; listenPort: number }[] = [];
  for (let n = 1; n <= (options.historyHosts ?? 2); n++) {
    const grpc = await port();
    plan.push({
      name: `history-${n}`,
      role: 'history',
      env: { HISTORY_GRPC_PORT: String(grpc), HISTORY_MEMBERSHIP_PORT: await membershipPort() },
      listenPort: grpc,
    });
  }
  plan.push(
    { name: 'matching', role: 'matching', env: {}, listenPort: Number(shared.MATCHING_GRPC_PORT) },
    { name: 'frontend', role: 'frontend', env: {}, listenPort: Number(shared.FRONTEND_GRPC_PORT) },
    // The internal worker serves no gRPC: it is up once in the membership ring.
    { name: 'worker', role: 'worker', env: {}, listenPort: Number(shared.WORKER_MEMBERSHIP_PORT) },
  );

  const hosts = new Map<string, TemporalHost>();
  const launch = async (step: (typeof plan)[number]) => {
    const logFile = join(options.logDir, `temporal-${step.name}.log`);
    const started = startProcess({
      name: `temporal-${step.name}`,
      command: options.server,
      args: ['start', '--service', step.role],
      env: { ...shared, ...step.env },
      logFile,
    });
    hosts.set(step.name, { name: step.name, role: step.role, process: started });
    try {
      await untilListening(started, step.listenPort, 90_000, `Temporal ${step.name}`, logFile);
    } catch (err) {
      // Its last words, for the caller (a benchmark's folder is gone by the time anyone looks).
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : '';
      throw new Error(`${(err as Error).message}\n${log}`);
    }
  };
  const address = `127.0.0.1:${shared.FRONTEND_GRPC_PORT}`;
  const stop = async () => {
    await Promise.all([...hosts.values()].map((h) => h.process.stop(5_000)));
  };
  try {
    // The first to start writes the cluster's metadata; services starting at once on a fresh
    // database race for that write and the losers exit. So the frontend first, then the rest.
    await launch(plan.find((step) => step.role === 'frontend')!);
    await Promise.all(plan.filter((step) => step.role !== 'frontend').map(launch));
    await setup('namespace', { TEMPORAL_CLI: options.cli, TEMPORAL_ADDRESS: address });
  } catch (err) {
    await stop();
    throw err;
  }

  const host = (name: string) => {
    const found = hosts.get(name);
    if (!found) throw new Error(`no Temporal host ${name}: ${[...hosts.keys()].join(', ')}`);
    return found;
  };
  return {
    address,
    get hosts() {
      return [...hosts.values()];
    },
    host,
    async kill(name) {
      const { process } = host(name);
      process.child.kill('SIGKILL');
      await process.exited;
    },
    async restart(name) {
      await launch(plan.find((step) => step.name === name)!);
    },
    stop,
  };
}
