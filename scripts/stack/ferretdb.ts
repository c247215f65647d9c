import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports';
import { RunningProcess, startProcess, untilListening } from './processes';

export interface FerretDb {
  /** mongodb:// URI without a database; append `/<name>`. */
  uri: string;
  port: number;
  process: RunningProcess;
}

export interface FerretDbOptions {
  binary: string;
  /** Folder for its state (and its SQLite files, when it stores in SQLite). */
  dataDir: string;
  /**
   * Store in this PostgreSQL (postgres:// URL). Omitted: in SQLite files under `dataDir`, which
   * index only `_id` and scan for every other query: a throwaway store for tests of outages only.
   */
  postgresqlUrl?: string;
  port?: number;
  logFile?: string;
}

/** FerretDB (MongoDB wire protocol over PostgreSQL or SQLite) on loopback, telemetry and debug port off. */
export async function startFerretDb(options: FerretDbOptions): Promise<FerretDb> {
  const port = options.port ?? (await freePort());
  const stateDir = join(options.dataDir, 'state');
  mkdirSync(stateDir, { recursive: true });
  let storage: string[] = ['--handler=postgresql'];
  if (!options.postgresqlUrl) {
    const sqliteDir = join(options.dataDir, 'sqlite');
    mkdirSync(sqliteDir, { recursive: true });
    storage = ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`];
  }
  const process = startProcess({
    name: 'ferretdb',
    command: options.binary,
    // The URL carries PostgreSQL's password: in the environment, not on a command line others can read.
    env: options.postgresqlUrl ? { FERRETDB_POSTGRESQL_URL: options.postgresqlUrl } : undefined,
    args: [
      ...storage,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      `--state-dir=${stateDir}`,
      '--log-level=warn',
    ],
    logFile: options.logFile,
  });
  await untilListening(process, port, 30_000, 'FerretDB', options.logFile);
  return { uri: `mongodb://127.0.0.1:${port}`, port, process };
}
