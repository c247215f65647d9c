import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { readProcessTable, stackProcessNames } from './cpu';

const run = promisify(execFile);

/** Samples per second on each CPU: an odd rate, so as not to beat with timers of round periods. */
const FREQUENCY = 499;
/** The longest one recording runs: far beyond any measured run. */
const MAX_SECONDS = '1800';
const TOP_SYMBOLS = 15;
const TOP_LIBRARIES = 8;

export interface Sample {
  /** The process's name as the kernel has it (15 characters at most). */
  command: string;
  /** The thread's name, or `main thread`. */
  thread: string;
  pid: number;
  ip: string;
  symbol: string;
  dso: string;
}

/**
 * PERF_PROFILE_DIR: a sampled CPU profile of the whole machine (Linux `perf record -a`) over each
 * measured run, reported per process of the stack, Go servers and PostgreSQL included (which the
 * V8 profiles of CPU_PROFILE_DIR do not see): per process its milliseconds per delivery by library
 * (Go package, shared object, kernel, JavaScript) and its hottest functions. Symbols of stripped Go
 * binaries (the Temporal CLI) come from their own line tables (`go tool addr2line`); the Node
 * processes map their JIT code for perf (`--perf-basic-prof-only-functions`). Each run leaves
 * `<dir>/<label>.txt`.
 */
export class PerfProfiler {
  private recording?: { label: string; file: string; child: ChildProcess; exited: Promise<void> };

  private constructor(
    private readonly dir: string,
    private readonly roots: () => Map<string, number | undefined>,
  ) {}

  static fromEnv(roots: () => Map<string, number | undefined>): PerfProfiler | undefined {
    const dir = process.env.PERF_PROFILE_DIR;
    if (!dir) return undefined;
    mkdirSync(dir, { recursive: true });
    return new PerfProfiler(dir, roots);
  }

  async begin(label: string): Promise<void> {
    const file = join(this.dir, `${label}.data`);
    // Bounded by its own clock too: a benchmark that dies without stopping it leaves no recording behind.
    const command = ['record', '-F', String(FREQUENCY), '-a', '-q', '-o', file, '--', 'sleep', MAX_SECONDS];
    const child = spawn('perf', command, { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', () => resolve());
    });
    this.recording = { label, file, child, exited };
    // perf needs a moment to open its buffers on every CPU before the first sample.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 300))]);
    if (child.exitCode !== null)
      throw new Error(`perf record exited with ${child.exitCode} (is perf installed?)`);
  }

  /** Stops a recording left running (the benchmark failed mid-run), keeping nothing of it. */
  async abandon(): Promise<void> {
    const recording = await this.stop();
    if (recording) rmSync(recording.file, { force: true });
  }

  /** Stops the recording and writes its report, for `deliveries` delivered while it ran. */
  async end(deliveries: number): Promise<string> {
    // Named before perf stops, while every process of the stack it sampled is still there.
    const names = stackProcessNames(readProcessTable(), this.roots());
    const recording = (await this.stop())!;
    const { stdout } = await run('perf', ['script', '-i', recording.file, '-F', 'comm,pid,tid,ip,sym,dso'], {
      maxBuffer: 1 << 30,
    });
    const samples = await symbolized(parseSamples(stdout));
    const report = profileReport(recording.label, samples, names, deliveries);
    const out = join(this.dir, `${recording.label}.txt`);
    writeFileSync(out, report);
    rmSync(recording.file, { force: true });
    return out;
  }

  /** Ends the recording under way (perf writes its file on SIGINT), if there is one. */
  private async stop() {
    const recording = this.recording;
    this.recording = undefined;
    recording?.child.kill('SIGINT');
    await recording?.exited;
    return recording;
  }
}

/** `perf script -F comm,pid,tid,ip,sym,dso`, one sample a line: `node 12/14 7f01 Builtins_LoadIC (/usr/bin/node)`. */
export function parseSamples(script: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of script.split('\n')) {
    const m = /^\s*(.+?)\s+(\d+)\/(\d+)\s+([0-9a-f]+)\s+(.*?)\s+\(([^()]*)\)\s*$/.exec(line);
    if (!m) continue;
    const [, comm, pid, tid, ip, symbol, dso] = m;
    // Node names none of its threads (workflow threads, V8's helpers): set its main thread apart.
    const thread = pid === tid ? 'main thread' : comm.replace(/[-_ ]?\d+$/, '');
    samples.push({ command: comm, thread, pid: Number(pid), ip, symbol, dso });
  }
  return samples;
}

/** Names what perf could not: addresses in stripped Go binaries, read from their pclntab. */
async function symbolized(samples: Sample[]): Promise<Sample[]> {
  const unknown = new Map<string, Set<string>>();
  for (const s of samples)
    if (s.symbol === '[unknown]' && s.dso.startsWith('/') && !isJitMap(s.dso))
      unknown.set(s.dso, (unknown.get(s.dso) ?? new Set()).add(s.ip));
  const names = new Map<string, string>();
  for (const [dso, ips] of unknown) {
    const addresses = [...ips];
    try {
      const lines = await addr2line(dso, addresses);
      addresses.forEach(
        (ip, i) => lines[i * 2] && lines[i * 2] !== '?' && names.set(`${dso}@${ip}`, lines[i * 2]),
      );
    } catch {
      // Not a Go binary (or no Go toolchain): its addresses stay unknown.
    }
  }
  return samples.map((s) => ({ ...s, symbol: names.get(`${s.dso}@${s.ip}`) ?? s.symbol }));
}

/** Function and file:line of each address, two lines per address (Go's toolchain, from PATH). */
function addr2line(binary: string, addresses: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile('go', ['tool', 'addr2line', binary], { maxBuffer: 1 << 30 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout.split('\n')),
    );
    child.stdin!.end(addresses.map((a) => `0x${a}`).join('\n') + '\n');
  });
}

const isJitMap = (dso: string) => /\/perf-\d+\.map$/.test(dso);

/** Where a Node process run with `--perf-basic-prof-only-functions` maps its JIT code for perf. */
export const perfMapOf = (pid: number | undefined) => `/tmp/perf-${pid}.map`;

/** Node's own code by what it does for the program: V8's parts, Node's, libuv. */
const NODE_PARTS: [RegExp, string][] = [
  [
    /Scaveng|MarkCompact|Marking|Sweeper|Evacuat|Heap::|RememberedSet|GCTracer|Compactor/,
    'node: V8 garbage collector',
  ],
  [/compiler::|maglev::|Turbofan|Pipeline/, 'node: V8 optimizing compilers'],
  [/^Builtins_/, 'node: V8 builtins (interpreter, inline caches, baseline code)'],
  [/^node::|^uv_|^uv__/, 'node: Node runtime and libuv'],
];

/** Where a sample's time goes, at the grain of a library: Go package, shared object, kernel or JIT. */
function libraryOf(sample: Sample): string {
  if (sample.dso === '[kernel.kallsyms]') return 'kernel (system calls, network, scheduling)';
  if (isJitMap(sample.dso)) return 'JavaScript (JIT code)';
  if (basename(sample.dso) === 'node')
    return NODE_PARTS.find(([pattern]) => pattern.test(sample.symbol))?.[1] ?? 'node: V8 runtime, other';
  const goPackage = /^((?:[\w.-]+\/)*[\w-]+)\.[\w(*]/.exec(sample.symbol);
  if (goPackage && !sample.symbol.includes('::')) return goPackage[1];
  return basename(sample.dso);
}

export function profileReport(
  label: string,
  samples: Sample[],
  names: Map<number, string>,
  deliveries: number,
): string {
  const msPerDelivery = (count: number) => (count * 1000) / FREQUENCY / deliveries;
  /** One line of a process's section: its ms per delivery, its share of the process, what. */
  const row = (count: number, of: number, what: string) =>
    `    ${msPerDelivery(count).toFixed(2).padStart(6)} ms  ${pct(count, of)}  ${what}`;
  const byProcess = new Map<string, Sample[]>();
  for (const s of samples) {
    if (s.pid === 0) continue; // idle
    // Not of the stack, or gone before the reading (a PostgreSQL autovacuum worker): by its name.
    const name = names.get(s.pid) ?? `other: ${s.command.split('/')[0].replace(/[-_ .]?\d+$/, '')}`;
    const group = byProcess.get(name) ?? [];
    group.push(s);
    byProcess.set(name, group);
  }
  const processes = [...byProcess].sort((a, b) => b[1].length - a[1].length);
  const total = processes.reduce((sum, [, s]) => sum + s.length, 0);
  const lines = [
    `perf profile ${label}: ${samples.length} samples at ${FREQUENCY} Hz on every CPU, ${deliveries} deliveries`,
    '',
    'process                          ms per delivery   share',
    ...processes.map(
      ([name, s]) =>
        `${name.padEnd(32)} ${msPerDelivery(s.length).toFixed(2).padStart(15)}   ${pct(s.length, total)}`,
    ),
  ];
  for (const [name, s] of processes) {
    lines.push('', `== ${name}: ${msPerDelivery(s.length).toFixed(2)} ms per delivery`, '  by library:');
    for (const [library, count] of counted(s, libraryOf).slice(0, TOP_LIBRARIES))
      lines.push(row(count, s.length, library));
    const threads = counted(s, (x) => x.thread);
    if (threads.length > 1) {
      lines.push('  by thread:');
      for (const [thread, count] of threads.slice(0, TOP_LIBRARIES)) lines.push(row(count, s.length, thread));
    }
    lines.push('  hottest functions (self):');
    const functions = counted(s, (x) => `${x.symbol}  [${basename(x.dso)}]`);
    for (const [symbol, count] of functions.slice(0, TOP_SYMBOLS)) lines.push(row(count, s.length, symbol));
  }
  return lines.join('\n') + '\n';
}

function counted<T>(items: T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1).padStart(5)}%`;
