import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../libs/common/project-root';
import { freePort } from './ports';
import { RunningProcess, startProcess, untilListening } from './processes';
import { localSecret } from './secrets';

export interface Postgres {
  /** postgres:// URL of its `postgres` database, with the user and password. */
  url: string;
  port: number;
  process: RunningProcess;
}

export interface PostgresOptions {
  /** Folder with initdb and postgres (the pinned build, scripts/install-servers.sh). */
  binDir: string;
  /** Its cluster (`pgdata/`, created on first start) and its password file. */
  dataDir: string;
  port?: number;
  logFile?: string;
}

/**
 * PostgreSQL on loopback only, password authentication, the server's durable defaults (fsync,
 * synchronous commit): FerretDB's storage in the embedded stack. The cluster is created on first
 * start and kept in `dataDir`.
 */
export async function startPostgres(options: PostgresOptions): Promise<Postgres> {
  const port = options.port ?? (await freePort());
  const cluster = join(options.dataDir, 'pgdata');
  const password = localSecret(join(options.dataDir, 'password'), 24, 'hex').value;
  const asUnprivileged = unprivileged();
  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    mkdirSync(options.dataDir, { recursive: true });
    const passwordFile = join(options.dataDir, 'password.initdb');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    try {
      const [command, ...args] = asUnprivileged([
        join(options.binDir, 'initdb'),
        `--pgdata=${cluster}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ]);
      execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }
  indexForFerretDb(options.binDir, cluster, asUnprivileged);
  const [command, ...args] = asUnprivileged([
    join(options.binDir, 'postgres'),
    '-D',
    cluster,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // No Unix socket: its path would be limited to 107 bytes, and nothing here uses it.
    '-c',
    'unix_socket_directories=',
    '-c',
    'log_min_messages=warning',
  ]);
  // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
  const process = startProcess({
    name: 'postgres',
    command,
    args,
    logFile: options.logFile,
    stopSignal: 'SIGINT',
  });
  await untilListening(process, port, 30_000, 'PostgreSQL', options.logFile);
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, port, process };
}

/**
 * Installs ferretdb-indexes.sql (indexes that FerretDB's queries can use) in the cluster's `postgres`
 * database, in single-user mode, before the server starts.
 */
function indexForFerretDb(binDir: string, cluster: string, asUnprivileged: (command: string[]) => string[]) {
  const [command, ...args] = asUnprivileged([
    join(binDir, 'postgres'),
    '--single',
    '-j', // a command ends with a semicolon and an empty line (function bodies hold newlines)
    '-D',
    cluster,
    'postgres',
  ]);
  const output = execFileSync(command, args, {
    // From the source tree: the build (dist/) has only the compiled scripts.
    input: readFileSync(join(projectRoot(__dirname), 'scripts', 'stack', 'ferretdb-indexes.sql')),
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
  if (/ERROR:/.test(output)) throw new Error(`PostgreSQL: ferretdb-indexes.sql failed:\n${output}`);
}

/**
 * PostgreSQL refuses to run as root. As root, it runs in a new user namespace with no user mapped,
 * where it is `nobody` to itself while the files it makes stay root's (owner access still applies),
 * so the cache and data folders need no other owner.
 */
function unprivileged(): (command: string[]) => string[] {
  if (process.getuid?.() !== 0) return (command) => command;
  try {
    execFileSync('unshare', ['--user', 'true'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root, and `unshare --user` (util-linux) is not allowed here to run ' +
        'it unprivileged: run as another user, or set MONGODB_URI to a MongoDB of your own.',
    );
  }
  return (command) => ['unshare', '--user', ...command];
}
