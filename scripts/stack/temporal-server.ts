import { SEARCH_ATTRIBUTE_NAMES } from '../../libs/temporal/search-attributes';
import { freePort } from './ports';
import { ExitedWhileStarting, RunningProcess, startProcess, untilListening } from './processes';

export interface TemporalDevServer {
  address: string;
  port: number;
  /** The Web UI, unless started headless. */
  uiUrl?: string;
  process: RunningProcess;
}

export interface TemporalDevServerOptions {
  cli: string;
  port?: number;
  /** A port for the Web UI; omitted: headless. */
  uiPort?: number;
  /** SQLite file that keeps state across restarts; omitted: in memory. */
  dbFile?: string;
  logFile?: string;
}

/**
 * The Temporal dev server (the official CLI: full server, SQLite, Web UI) on loopback, with the
 * service's custom search attributes registered. Ports it picks itself are free when picked, but
 * another process may bind one before the server does: then it starts again on new ones.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const tries = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= tries || !(err instanceof ExitedWhileStarting)) throw err;
    }
  }
}

async function startOnce(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  // In a file, SQLite's write-ahead log with synchronous=NORMAL: safe across a crash of the server
  // (a power cut may lose the last commits), and measured 1.2-1.6x the default (README, benchmarks).
  if (options.dbFile)
    args.push(
      '--db-filename',
      options.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  // Each server picks its own free metrics port, so two can run at once.
  args.push('--metrics-port', String(await freePort()));
  for (const name of SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);
  const process = startProcess({ name: 'temporal', command: options.cli, args, logFile: options.logFile });
  await untilListening(process, port, 60_000, 'Temporal dev server', options.logFile);
  return {
    address: `127.0.0.1:${port}`,
    port,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process,
  };
}
