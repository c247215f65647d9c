import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Connection as TemporalConnection } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { ApiClient } from './api-client';
import { dropDatabase, startApi, startWorker } from './app';
import { Receivers } from './receiver';

export interface StackOptions {
  /** Settings of this file's API (read while it is built), e.g. a lower limit; `false`: no API (worker-only suites). */
  api?: Record<string, string> | false;
  /** Settings of this file's worker; `false`: no worker (the file starts its own, or needs none). */
  worker?: Record<string, string> | false;
  /** A connection to the Temporal server as well, for files that look at workflows. */
  temporal?: boolean;
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

  beforeAll(async () => {
    [api, worker, temporal] = await Promise.all([
      options.api === false ? undefined : startApi(options.api),
      options.worker === false ? undefined : startWorker(options.worker),
      options.temporal ? TemporalConnection.connect({ address: process.env.TEMPORAL_ADDRESS }) : undefined,
    ]);
    if (api) client = new ApiClient(api);
  });

  afterAll(async () => {
    await receivers.stopAll();
    const any = api ?? worker;
    if (any) await dropDatabase(any);
    await Promise.all([api?.close(), worker?.close(), temporal?.close()]);
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
    /** This file's database, to look at what is stored. */
    db() {
      return ready(api ?? worker, 'api').get<Connection>(getConnectionToken()).db!;
    },
  };
}
