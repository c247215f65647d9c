import './instrument';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { validateEnvironment } from '../../../libs/config/environment';
import { installWorkerRuntime } from '../../../libs/observability/temporal-runtime';
import { closeOnSignals } from '../../../libs/common/graceful-shutdown';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  // A bad setting stops here with one line naming it, before Nest prints anything.
  await installWorkerRuntime(validateEnvironment(process.env));
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
