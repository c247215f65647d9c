import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Connection as TemporalConnection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Connection, mongo } from 'mongoose';
import { ApiClient } from './api-client';
import type { FerretDb } from '../../scripts/stack/ferretdb';
import { freePort } from '../../scripts/stack/ports';
import { dropDatabase, startApi, startWorker } from './app';
import { ownFerretDb } from './own-ferretdb';
import { Receivers } from './receiver';
import { ServiceProcess, startServiceProcess } from './service-process';
import { createTimeSkippingEnvironment } from './time-skipping';

type Settings = Record<string, string>;
/** Settings, or a function that gives them once the file's earlier `beforeAll`s have run. */
export type StackSettings = Settings | (() => Settings | Promise<Settings>);

export interface StackOptions {
  /** Settings of this file's API (read while it is built), e.g. a lower limit; `false`: no API (worker-only suites). */
  api?: StackSettings | false;
  /** Settings of this file's worker; `false`: no worker (the file starts its own, or needs none). */
  worker?: StackSettings | false;
  /**
   * The API as a process of its own (from source, on a free port), with these settings, instead of
   * in this process: for what only a process shows (its logs, its metrics, requests truly in
   * parallel). `stack.client` and `stack.apiUrl` reach it; `stack.processes.api` is the process.
   */
  apiProcess?: StackSettings;
  /** Worker processes of their own, one per entry with its settings, instead of the in-process worker. */
  workerProcesses?: StackSettings[];
  /** A connection to the Temporal server as well, for files that look at workflows. */
  temporal?: boolean;
  /**
   * The API and the worker on Temporal's time-skipping test server instead of the shared one, for
   * timers of hours or days: `stack.timeSkipping` (its client, `sleep`, `currentTimeMs`).
   */
  timeSkipping?: boolean;
  /**
   * A database server of this file's own (FerretDB on SQLite files in a folder of its own), for
   * files that stop it (outages) or read its files (secrets at rest): `stack.store`.
   */
  ownStore?: boolean;
}

/** The file's own FerretDB: stop it, start it again on the same port and data, read its files. */
export interface OwnStore {
  /** mongodb:// URI with the file's database. */
  uri: string;
  dataDir: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/**
 * The world an end-to-end file stands on, set up before its tests and torn down after them: the
 * API and a worker in this process (on this file's database and task queue), a client of the API,
 * the receivers the file starts, and a Temporal connection when asked. Read its parts in tests
 * (`stack.client`), not at the top of the file: they exist once `beforeAll` has run. Jest runs
 * `afterAll` hooks in the order they are declared: what must stop before the stack does (a
 * browser with pages open on the API, processes of the file's own) is torn down by a hook
 * declared before useStack.
 */
export function useStack(options: StackOptions = {}) {
  const inProcess = {
    api: options.apiProcess ? false : options.api,
    worker: options.workerProcesses ? false : options.worker,
  };
  let api: NestExpressApplication | undefined;
  let apiUrl: string | undefined;
  const processes: { api?: ServiceProcess; workers: ServiceProcess[] } = { workers: [] };
  let worker: INestApplicationContext | undefined;
  let temporal: TemporalConnection | undefined;
  let timeSkipping: TestWorkflowEnvironment | undefined;
  let client: ApiClient | undefined;
  const receivers = new Receivers();
  const ready = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`stack.${name} is not set up (yet): read it inside a test`);
    return part;
  };

  let database: mongo.MongoClient | undefined;
  let ferret: FerretDb | undefined;
  let store: OwnStore | undefined;
  const storeDir = options.ownStore ? mkdtempSync(join(tmpdir(), 'own-store-')) : undefined;

  beforeAll(async () => {
    // Settings of every API and worker of the file: its own store, the time-skipping server.
    let stackEnv: Record<string, string> = {};
    if (storeDir) {
      const startFerret = ownFerretDb(storeDir);
      ferret = await startFerret();
      const database = `test_own_${randomBytes(4).toString('hex')}`;
      store = {
        uri: `${ferret.uri}/${database}`,
        dataDir: storeDir,
        stop: () => ferret!.process.stop(1_000),
        restart: async () => {
          ferret = await startFerret(ferret!.port);
        },
      };
      stackEnv = { MONGODB_URI: store.uri };
    }
    if (options.timeSkipping) {
      timeSkipping = await createTimeSkippingEnvironment();
      // The test server has the search attributes already (see createTimeSkippingEnvironment), and no schedules.
      stackEnv = {
        ...stackEnv,
        TEMPORAL_ADDRESS: timeSkipping.address,
        TEMPORAL_REGISTER_SEARCH_ATTRIBUTES: 'false',
        DATA_RETENTION_SCHEDULE: 'false',
      };
    }
    // A file whose API and worker are processes of its own still reads the database from here.
    if (inProcess.api === false && inProcess.worker === false)
      database = await new mongo.MongoClient(store?.uri ?? process.env.MONGODB_URI!).connect();
    [api, worker, temporal] = await Promise.all([
      inProcess.api === false ? undefined : startApi({ ...stackEnv, ...(await settled(inProcess.api)) }),
      inProcess.worker === false
        ? undefined
        : startWorker({ ...stackEnv, ...(await settled(inProcess.worker)) }),
      options.temporal ? TemporalConnection.connect({ address: process.env.TEMPORAL_ADDRESS }) : undefined,
      startProcesses(stackEnv),
    ]);
    if (api) client = new ApiClient(api);
    if (apiUrl) client = new ApiClient(apiUrl);
  });

  /** The API and worker processes asked for, each ready (listening, polling) when this resolves. */
  async function startProcesses(stackEnv: Settings): Promise<void> {
    const starting: Promise<unknown>[] = [];
    if (options.apiProcess) {
      const port = await freePort();
      apiUrl = `http://127.0.0.1:${port}`;
      processes.api = startServiceProcess('api', {
        ...stackEnv,
        ...(await settled(options.apiProcess)),
        PORT: String(port),
      });
      starting.push(processes.api.waitFor(/API listening on/));
    }
    for (const settings of options.workerProcesses ?? []) {
      const worker = startServiceProcess('worker', { ...stackEnv, ...(await settled(settings)) });
      processes.workers.push(worker);
      starting.push(worker.waitFor(/Worker polling task queue/));
    }
    await Promise.all(starting);
  }

  afterAll(async () => {
    // The processes first: nothing of theirs writes to the database once it is dropped.
    await Promise.all([processes.api, ...processes.workers].map((p) => p?.stop(5_000)));
    await receivers.stopAll();
    const any = api ?? worker;
    if (any && !storeDir) await dropDatabase(any);
    if (database && !storeDir) await database.db().dropDatabase();
    await database?.close();
    await Promise.all([api?.close(), worker?.close(), temporal?.close()]);
    await timeSkipping?.teardown();
    await ferret?.process.stop(1_000);
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  return {
    receivers,
    get api() {
      return ready(api, 'api');
    },
    get worker() {
      return ready(worker, 'worker');
    },
    get client() {
      return ready(client, 'client');
    },
    /** The base URL of the API process (`apiProcess`). */
    get apiUrl() {
      return ready(apiUrl, 'apiUrl');
    },
    /** The API and worker processes (`apiProcess`, `workerProcesses`), to read their output or signal them. */
    processes,
    get temporal() {
      return ready(temporal, 'temporal');
    },
    /** The time-skipping test server the file's API and worker use (`timeSkipping: true`). */
    get timeSkipping() {
      return ready(timeSkipping, 'timeSkipping');
    },
    /** The file's own database server (`ownStore: true`). */
    get store() {
      return ready(store, 'store');
    },
    /** This file's database, to look at what is stored. */
    db() {
      if (database) return database.db();
      return ready(api ?? worker, 'api').get<Connection>(getConnectionToken()).db!;
    },
  };
}

const settled = async (settings: StackSettings | undefined): Promise<Settings> =>
  typeof settings === 'function' ? settings() : (settings ?? {});
