import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Where its stdout and stderr go; omitted: inherited from this process. */
  logFile?: string;
  /** Also copy each output line to this process' stdout, prefixed with the name. */
  echo?: boolean;
}

/** Starts a server process whose lifetime this process owns. */
export function startProcess(options: StartOptions): RunningProcess {
  const child = spawn(options.command, options.args, {
    env: { ...process.env, ...options.env },
    stdio: options.logFile || options.echo ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  if (options.echo) {
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) process.stdout.write(`${options.name.padEnd(8)}| ${line}\n`);
      });
    }
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    name: options.name,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
