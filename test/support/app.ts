import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import { AppModule } from '../../apps/api/src/app.module';
import { API_OPTIONS, apiHttpAdapter, configureApp } from '../../apps/api/src/configure-app';
import { WorkerModule } from '../../apps/worker/src/worker.module';

/** The API as main.ts builds it, in this process, listening on a free loopback port. */
export async function startApi(env: Record<string, string> = {}): Promise<NestExpressApplication> {
  return withEnv(env, async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = configureApp(
      moduleRef.createNestApplication<NestExpressApplication>(apiHttpAdapter(), API_OPTIONS),
    );
    await app.listen(0, '127.0.0.1');
    return app;
  });
}

/** The worker process' Nest context, in this process: polls this file's task queue until closed. */
export async function startWorker(env: Record<string, string> = {}): Promise<INestApplicationContext> {
  // abortOnError: Nest's default answers an error at start with process.exit(1), which would end the
  // whole test run without its teardown (and leave its servers running).
  return withEnv(env, () =>
    NestFactory.createApplicationContext(WorkerModule, { logger: false, abortOnError: false }),
  );
}

/** Drops this file's test database (its name is checked to be a test one when the app connects). */
export async function dropDatabase(app: INestApplicationContext): Promise<void> {
  await app.get<Connection>(getConnectionToken()).dropDatabase();
}

/**
 * Builds that change settings take turns with every other build, so an API and a worker built at
 * once each see only their own; builds that change nothing run side by side.
 */
let lastChanging: Promise<unknown> = Promise.resolve();
const plain = new Set<Promise<unknown>>();

/** Settings are read from the environment when a module is built: override them only meanwhile. */
function withEnv<T>(overrides: Record<string, string>, build: () => Promise<T>): Promise<T> {
  if (Object.keys(overrides).length === 0) {
    const built = lastChanging.then(build);
    const settled = built.catch(() => undefined);
    plain.add(settled);
    void settled.then(() => plain.delete(settled));
    return built;
  }
  const built = Promise.all([lastChanging, ...plain]).then(async () => {
    const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
    Object.assign(process.env, overrides);
    try {
      return await build();
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
  lastChanging = built.catch(() => undefined);
  return built;
}
