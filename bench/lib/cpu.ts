import { readdirSync, readFileSync } from 'node:fs';

export interface CpuReading {
  seconds: Record<string, number>;
  wallSeconds: number;
}

/** The benchmark's own process in a reading: it sends the load and receives it alike for every system. */
export const BENCH_PROCESS = 'bench';

/** A reading's processes but the benchmark's own: the stack's, each with its CPU seconds. */
export const stackProcesses = ({ seconds }: CpuReading): [string, number][] =>
  Object.entries(seconds).filter(([name]) => name !== BENCH_PROCESS);

/** CPU seconds of the stack's processes together (not the benchmark's own). */
export const stackSeconds = (reading: CpuReading): number =>
  stackProcesses(reading).reduce((sum, [, s]) => sum + s, 0);

/**
 * Where the CPU goes, per process of the stack: user+system seconds of each process and all its
 * descendants (PostgreSQL's backends are children of its postmaster), read from /proc (Linux).
 */
export class CpuMeter {
  private readonly ticksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
  private start = new Map<string, number>();
  private startedAt = 0;

  constructor(private readonly roots: () => Map<string, number | undefined>) {}

  begin(): void {
    this.start = this.read();
    this.startedAt = performance.now();
  }

  /** Per process name: CPU seconds since begin(), and its share of one core over the wall time. */
  end(): Record<string, string> {
    return CpuMeter.shown(this.endSeconds());
  }

  /** Per process name: CPU seconds since begin(), with the wall time they were spent in. */
  endSeconds(): CpuReading {
    const now = this.read();
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const seconds: Record<string, number> = {};
    for (const [name, ticks] of now)
      seconds[name] = (ticks - (this.start.get(name) ?? 0)) / this.ticksPerSecond;
    return { seconds, wallSeconds };
  }

  /** A reading as a table row: `1.2 s (34%)` per process. */
  static shown({ seconds, wallSeconds }: CpuReading): Record<string, string> {
    return Object.fromEntries(
      Object.entries(seconds).map(([name, s]) => [
        name,
        `${s.toFixed(1)} s (${Math.round((s / wallSeconds) * 100)}%)`,
      ]),
    );
  }

  private read(): Map<string, number> {
    const table = readProcessTable();
    const result = new Map<string, number>();
    for (const [pid, name] of stackProcessNames(table, this.roots()))
      result.set(name, (result.get(name) ?? 0) + (table.get(pid)?.ticks ?? 0));
    return result;
  }
}

/** Every process on the machine: its parent, and its CPU ticks with those of its children that have exited. */
export type ProcessTable = Map<number, { ppid: number; ticks: number }>;

export function readProcessTable(): ProcessTable {
  const table: ProcessTable = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) in parentheses.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // utime, stime, and the same of its children that have exited (PostgreSQL's backends come and go).
      const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: utime + stime + cutime + cstime });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/**
 * The stack's processes by pid, each named for the process of the stack it belongs to (its root
 * or a descendant); the benchmark's own process stands for itself only, not for its children.
 */
export function stackProcessNames(
  table: ProcessTable,
  roots: Map<string, number | undefined>,
): Map<number, string> {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) {
    const siblings = children.get(ppid) ?? [];
    siblings.push(pid);
    children.set(ppid, siblings);
  }
  // A process and all its descendants (PostgreSQL's backends are children of its postmaster).
  const tree = (pid: number): number[] => [pid, ...(children.get(pid) ?? []).flatMap(tree)];
  const names = new Map<number, string>();
  for (const [name, pid] of roots) {
    if (!pid || !table.has(pid)) continue;
    for (const p of pid === process.pid ? [pid] : tree(pid)) names.set(p, name);
  }
  return names;
}
