import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Runtime } from '@temporalio/worker';
import { Logger } from 'nestjs-pino';
import { temporalRuntimeLogger } from '../../../libs/logging/temporal-runtime-logger';
import { validateEnvironment } from '../../../libs/config/environment';
import { closeOnSignals } from '../../../libs/common/graceful-shutdown';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  // A bad setting stops here with one line naming it, before Nest prints anything.
  validateEnvironment(process.env);
  // We own the signals: on SIGINT/SIGTERM the context closes, which drains the worker.
  Runtime.install({ shutdownSignals: [], logger: temporalRuntimeLogger(process.env.LOG_LEVEL) });
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, app.get(Logger));
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
