import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { waitUntilListening } from './ports';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited, however it ended (code null: it could not start). */
  exited: Promise<Exit>;
  /** Everything it printed so far (stdout and stderr), when started with `capture`. */
  output(): string;
  /**
   * Resolves with the first output line matching `pattern` (printed before or after the call, with
   * `capture`). Rejects, with what it printed, if the process exits first or after `timeoutMs`
   * (50 s: under a test hook's 60, so the cause shows rather than the hook's timeout).
   */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Its stop signal (SIGTERM unless started with another), then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where its stdout and stderr go (appended). */
  logFile?: string;
  /** Also copy each output line to this process' stdout, prefixed with the name. */
  echo?: boolean;
  /** Keep all it prints in memory, for output() (tests). */
  capture?: boolean;
  /** The signal that asks it to stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
}

/** Children still running; killed if this process exits first, however it exits (short of SIGKILL). */
const owned = new Set<ChildProcess>();
let killOnExit = false;

/**
 * Starts a process whose lifetime this process owns: the servers of `npm start`, the benchmarks'
 * stack, and the tests' own API and worker processes. If this process exits before stopping it
 * (an uncaught error, a library calling process.exit), it is killed then, not left running.
 */
export function startProcess(options: StartOptions): RunningProcess {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  owned.add(child);
  child.once('exit', () => owned.delete(child));
  if (!killOnExit) {
    killOnExit = true;
    // 'exit' handlers run synchronously: a kill is all there is time for.
    process.once('exit', () => owned.forEach((c) => c.kill('SIGKILL')));
  }
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }

  let output = '';
  const lineListeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (options.capture) output += text;
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (options.echo) process.stdout.write(`${options.name.padEnd(8)}| ${line}\n`);
        for (const listener of lineListeners) listener(line);
      }
    });
    // Nowhere else to go: this process' own output, as if inherited.
    if (!options.logFile && !options.capture && !options.echo)
      stream.pipe(stream === child.stdout ? process.stdout : process.stderr, { end: false });
  }

  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return {
    name: options.name,
    child,
    exited,
    output: () => output,
    waitFor(pattern, timeoutMs = 50_000) {
      const seen = output.split('\n').find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        let waiting = true;
        const done = () => {
          waiting = false;
          clearTimeout(timer);
          lineListeners.delete(onLine);
        };
        const onLine = (line: string) => {
          if (!pattern.test(line)) return;
          done();
          resolve(line);
        };
        const fail = (why: string) => {
          if (!waiting) return;
          done();
          reject(new Error(`${options.name} ${why} before printing ${pattern}\n${output.slice(-4_000)}`));
        };
        const timer = setTimeout(() => fail(`did not print it within ${timeoutMs} ms`), timeoutMs);
        lineListeners.add(onLine);
        // 'close': after its output streams have ended, so a line printed just before exiting counts.
        if (child.exitCode !== null || child.signalCode !== null) fail('had exited');
        else child.once('close', (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(options.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A server that exited before it listened (a bad setting, or its port taken meanwhile). */
export class ExitedWhileStarting extends Error {}

/**
 * Resolves once `server` listens on 127.0.0.1:`port`; throws ExitedWhileStarting if it exits first,
 * or an error after `timeoutMs`. `what` names it in the messages.
 */
export async function untilListening(
  server: RunningProcess,
  port: number,
  timeoutMs: number,
  what: string,
  logFile?: string,
): Promise<void> {
  await Promise.race([
    waitUntilListening(port, timeoutMs, what),
    server.exited.then(({ code }) => {
      throw new ExitedWhileStarting(
        `${what} exited (code ${code}) while starting; see ${logFile ?? 'its output'}`,
      );
    }),
  ]);
}
