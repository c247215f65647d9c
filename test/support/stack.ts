import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Connection as TemporalConnection } from '@temporalio/client';
import { type Connection, mongo } from 'mongoose';
import { ApiClient } from './api-client';
import type { FerretDb } from '../../scripts/stack/ferretdb';
import { dropDatabase, startApi, startWorker } from './app';
import { ownFerretDb } from './own-ferretdb';
import { Receivers } from './receiver';

export interface StackOptions {
  /** Settings of this file's API (read while it is built), e.g. a lower limit; `false`: no API (worker-only suites). */
  api?: Record<string, string> | false;
  /** Settings of this file's worker; `false`: no worker (the file starts its own, or needs none). */
  worker?: Record<string, string> | false;
  /** A connection to the Temporal server as well, for files that look at workflows. */
  temporal?: boolean;
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
 * (`stack.client`), not at the top of the file: they exist once `beforeAll` has run.
 */
export function useStack(options: StackOptions = {}) {
  let api: NestExpressApplication | undefined;
  let worker: INestApplicationContext | undefined;
  let temporal: TemporalConnection | undefined;
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
    let storeEnv: Record<string, string> = {};
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
      storeEnv = { MONGODB_URI: store.uri };
    }
    // A file whose API and worker are processes of its own still reads the database from here.
    if (options.api === false && options.worker === false)
      database = await new mongo.MongoClient(store?.uri ?? process.env.MONGODB_URI!).connect();
    [api, worker, temporal] = await Promise.all([
      options.api === false ? undefined : startApi({ ...storeEnv, ...options.api }),
      options.worker === false ? undefined : startWorker({ ...storeEnv, ...options.worker }),
      options.temporal ? TemporalConnection.connect({ address: process.env.TEMPORAL_ADDRESS }) : undefined,
    ]);
    if (api) client = new ApiClient(api);
  });

  afterAll(async () => {
    await receivers.stopAll();
    const any = api ?? worker;
    if (any && !storeDir) await dropDatabase(any);
    if (database && !storeDir) await database.db().dropDatabase();
    await database?.close();
    await Promise.all([api?.close(), worker?.close(), temporal?.close()]);
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
    get temporal() {
      return ready(temporal, 'temporal');
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
