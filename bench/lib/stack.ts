import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type Dispatcher, request } from 'undici';
import { Receiver } from '../../test/support/receiver';
import { BENCH_PROCESS, CpuMeter } from './cpu';
import { perfMapOf, PerfProfiler } from './perf-profile';
import { benchObservability, observabilityMode } from './observability';
import { projectRoot } from '../../libs/common/project-root';
import { freePort } from '../../scripts/stack/ports';
import { RunningProcess, startProcess } from '../../scripts/stack/processes';
import { benchNodeFlags, startServers, startServices } from '../../scripts/stack/service-stack';

const root = projectRoot(__dirname);

export interface BenchStack {
  api: string;
  adminToken: string;
  /** The API's MASTER_KEY (base64), for benchmarks that make what only the API makes (page cursors). */
  masterKey: string;
  temporalAddress: string;
  mongodbUri: string;
  workDir: string;
  /** The stack's processes by name (temporal, ferretdb, worker, api, and any spawned). */
  processes: Map<string, RunningProcess>;
  /**
   * Commands the API and the worker have sent to MongoDB so far, by process and command name
   * (the driver's command monitoring, MONGODB_MONITOR_COMMANDS).
   */
  mongoCommands(): Promise<Record<'api' | 'worker', Record<string, number>>>;
  /** A meter of the CPU time each process of the stack (and this one, as `bench`) uses. */
  cpuMeter(): CpuMeter;
  /** With PERF_PROFILE_DIR: a sampled profile of every process of the stack, run by run. */
  perfProfiler(): PerfProfiler | undefined;
  /** Starts a process of the stack's (the baseline worker); stopped with the stack. */
  spawn(name: string, script: string, env: Record<string, string>, ready: RegExp): Promise<RunningProcess>;
  stop(): Promise<void>;
}

/** BENCH_TOPOLOGY: `dev` (the Temporal dev server, default) or `cluster` (the production topology). */
export function benchTopology(): 'dev' | 'cluster' {
  const topology = process.env.BENCH_TOPOLOGY ?? 'dev';
  if (topology !== 'dev' && topology !== 'cluster')
    throw new Error(`BENCH_TOPOLOGY must be dev or cluster, not "${topology}"`);
  return topology;
}

/**
 * The whole service as it runs for real, on loopback: Temporal dev server and FerretDB on
 * PostgreSQL (fresh, in a temporary folder; TEMPORAL_ADDRESS / MONGODB_URI set: those servers
 * instead), the built API and worker as their own processes.
 */
export async function startBenchStack(extraEnv: Record<string, string> = {}): Promise<BenchStack> {
  const workDir = mkdtempSync(join(tmpdir(), 'applications-webhooks-bench-'));
  let servers;
  try {
    servers = await startServers({
      logDir: workDir,
      temporalAddress: process.env.TEMPORAL_ADDRESS,
      // The dev server in memory, or (BENCH_TEMPORAL_DB=file) in a file as `npm start` runs it.
      temporal: process.env.BENCH_TEMPORAL_DB === 'file' ? { dbFile: join(workDir, 'temporal.sqlite') } : {},
      mongodbUri: process.env.MONGODB_URI,
      ferretdb: { dataDir: join(workDir, 'ferretdb') },
      // BENCH_TOPOLOGY=cluster: Temporal as production runs it, its services apart (docs/production.md).
      ...(benchTopology() === 'cluster' && { temporalCluster: {} }),
    });
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  const observability = await benchObservability(observabilityMode());
  const processes = [...servers.processes];
  const byName = new Map(processes.map((p) => [p.name, p]));
  const mongodbUri = process.env.MONGODB_URI ?? `${servers.mongodbUri}/bench`;
  const adminToken = randomBytes(24).toString('hex');
  const port = await freePort();
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_URI: mongodbUri,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    ADMIN_TOKEN: adminToken,
    MASTER_KEY: randomBytes(32).toString('base64'),
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    MONGODB_MONITOR_COMMANDS: 'true',
    TEMPORAL_WORKFLOW_BUNDLE: join(root, 'dist', 'workflow-bundle.js'),
    PORT: String(port),
    ...observability.env,
    ...extraEnv,
  };
  const track = (child: RunningProcess) => {
    processes.push(child);
    byName.set(child.name, child);
  };
  /** The stack's processes by name, each standing for itself and its descendants, and this one as `bench`. */
  const roots = () =>
    new Map([
      ...[...byName].map(([name, p]) => [name, p.child.pid] as [string, number | undefined]),
      [BENCH_PROCESS, process.pid],
      // Servers started outside the stack (TEMPORAL_ADDRESS, MONGODB_URI): name:pid,name:pid
      ...(process.env.BENCH_EXTRA_PIDS ?? '')
        .split(',')
        .filter(Boolean)
        .map((entry) => entry.split(':'))
        .map(([name, pid]) => [name, Number(pid)] as [string, number]),
    ]);
  const profiler = PerfProfiler.fromEnv(roots);
  const stop = async () => {
    await profiler?.abandon();
    await observability.stop();
    for (const p of [...processes].reverse()) await p.stop(5_000);
    if (!process.env.KEEP_BENCH_LOGS) rmSync(workDir, { recursive: true, force: true });
    // The JIT maps the Node processes wrote for perf (PERF_PROFILE_DIR): of no use once they are gone.
    for (const p of processes) rmSync(perfMapOf(p.child.pid), { force: true });
  };
  try {
    await startServices({ logDir: workDir, env: { ...env, LOG_LEVEL: 'info' }, onStart: track });
    observability.start(`http://127.0.0.1:${port}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    api: `http://127.0.0.1:${port}/v1`,
    adminToken,
    masterKey: env.MASTER_KEY,
    temporalAddress: servers.temporalAddress,
    mongodbUri,
    workDir,
    processes: byName,
    async mongoCommands() {
      const counts = async (name: 'api' | 'worker') => {
        const child = byName.get(name)!;
        const line = child.waitFor(/mongodb command counts/, 10_000);
        child.child.kill('SIGUSR2');
        return (JSON.parse(await line) as { mongodbCommands: Record<string, number> }).mongodbCommands;
      };
      return { api: await counts('api'), worker: await counts('worker') };
    },
    cpuMeter: () => new CpuMeter(roots),
    perfProfiler: () => profiler,
    async spawn(name, script, childEnv, ready) {
      const child = startProcess({
        name,
        command: process.execPath,
        args: [...benchNodeFlags(), '-r', '@swc-node/register', join(root, script)],
        env: { ...env, ...childEnv },
        logFile: join(workDir, `${name}.log`),
      });
      track(child);
      await child.waitFor(ready);
      return child;
    },
    stop,
  };
}

/** The task queue of the bare-Temporal baseline (bench/baseline). */
export const BASELINE_QUEUE = 'bench-baseline';

/** The baseline's worker, as a process of the stack. */
export function startBaselineWorker(stack: BenchStack): Promise<RunningProcess> {
  return stack.spawn(
    'baseline-worker',
    'bench/baseline/worker.ts',
    { TEMPORAL_TASK_QUEUE: BASELINE_QUEUE },
    /baseline worker polling/,
  );
}

/** JSON over HTTP to the API, throwing on an unexpected status. */
export async function call<T>(
  stack: BenchStack,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  expect = [200, 201, 202],
): Promise<T> {
  // Through undici's own client rather than fetch, which cost this process half as much again
  // (2.0-2.4 s of CPU per 1,200 events in delivery-throughput against 1.3-1.6 s): the load it
  // generates shares the machine with the product it measures.
  const res = await request(`${stack.api}${path}`, {
    method: method as Dispatcher.HttpMethod,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (!expect.includes(res.statusCode)) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sends one APPLICANT_COMPLETED event (applicant `appl_<n>`) to the application; its event ID. */
export async function sendEvent(
  stack: BenchStack,
  app: { token: string; appId: string },
  n: number | string,
  status = 'GREEN',
): Promise<string> {
  const { eventId } = await call<{ eventId: string }>(
    stack,
    'POST',
    `/applications/${app.appId}/events`,
    app.token,
    { eventType: 'APPLICANT_COMPLETED', data: { applicantId: `appl_${n}`, status } },
  );
  return eventId;
}

/** A workspace and a provisioned application, ready for webhooks. */
export async function benchApplication(stack: BenchStack): Promise<{ token: string; appId: string }> {
  const workspace = await call<{ apiToken: string }>(stack, 'POST', '/workspaces', stack.adminToken, {
    name: 'bench',
  });
  const app = await call<{ id: string; status: string }>(stack, 'POST', '/applications', workspace.apiToken, {
    name: `bench ${randomBytes(4).toString('hex')}`,
    encryptionMethod: 'AES-256-GCM',
  });
  if (app.status !== 'active') throw new Error('application not provisioned in time');
  return { token: workspace.apiToken, appId: app.id };
}

/**
 * What a benchmark of the product against bare Temporal stands on: the stack, a receiver on
 * loopback answering 200 at once, a Temporal client, the baseline's worker, and an application
 * with one webhook (these settings beside its URL) to the receiver.
 */
export interface BaselineBench {
  stack: BenchStack;
  receiver: Receiver;
  client: Client;
  app: { token: string; appId: string };
  webhookId: string;
  stop(): Promise<void>;
}

export async function startBaselineBench(webhook: Record<string, unknown> = {}): Promise<BaselineBench> {
  const stack = await startBenchStack();
  const parts: { receiver?: Receiver; connection?: Connection } = {};
  const stop = async () => {
    await parts.connection?.close();
    await parts.receiver?.stop();
    await stack.stop();
  };
  try {
    const receiver = (parts.receiver = await Receiver.start({ keepRequests: false }));
    const connection = (parts.connection = await Connection.connect({ address: stack.temporalAddress }));
    await startBaselineWorker(stack);
    const app = await benchApplication(stack);
    const { id: webhookId } = await call<{ id: string }>(
      stack,
      'POST',
      `/applications/${app.appId}/webhooks`,
      app.token,
      { name: 'bench receiver', url: receiver.url, ...webhook },
    );
    return { stack, receiver, client: new Client({ connection }), app, webhookId, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
