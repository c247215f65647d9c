import './instrument';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { closeOnSignals } from '../../../libs/common/graceful-shutdown';
import { Environment, validateEnvironment } from '../../../libs/config/environment';
import { AppModule } from './app.module';
import { API_OPTIONS, apiHttpAdapter, configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  // A bad setting stops here with one line naming it, before Nest prints anything.
  validateEnvironment(process.env);
  const app = configureApp(
    await NestFactory.create<NestExpressApplication>(AppModule, apiHttpAdapter(), {
      ...API_OPTIONS,
      abortOnError: false,
    }),
  );
  const env = app.get(Environment);
  closeOnSignals(app, app.get(Logger));
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log(`API listening on http://${env.HOST}:${env.PORT}/v1 (docs at /docs)`);
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
