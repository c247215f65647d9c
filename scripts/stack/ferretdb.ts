import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitUntilListening } from './ports';
import { RunningProcess, startProcess } from './processes';

export interface FerretDb {
  /** mongodb:// URI without a database; append `/<name>`. */
  uri: string;
  port: number;
  process: RunningProcess;
}

export interface FerretDbOptions {
  binary: string;
  /** Folder for its SQLite files and its state. */
  dataDir: string;
  port?: number;
  logFile?: string;
}

/** FerretDB (MongoDB wire protocol over SQLite) on loopback, telemetry and debug port off. */
export async function startFerretDb(options: FerretDbOptions): Promise<FerretDb> {
  const port = options.port ?? (await freePort());
  const sqliteDir = join(options.dataDir, 'sqlite');
  const stateDir = join(options.dataDir, 'state');
  mkdirSync(sqliteDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const process = startProcess({
    name: 'ferretdb',
    command: options.binary,
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      `--state-dir=${stateDir}`,
      '--log-level=warn',
    ],
    logFile: options.logFile,
  });
  await Promise.race([
    waitUntilListening(port, 30_000, 'FerretDB'),
    process.exited.then(({ code }) => {
      throw new Error(
        `FerretDB exited (code ${code}) while starting; see ${options.logFile ?? 'its output'}`,
      );
    }),
  ]);
  return { uri: `mongodb://127.0.0.1:${port}`, port, process };
}
