/**
 * The API's OpenAPI document (the one served at /docs-json), written without starting anything:
 * Nest's preview mode builds the route table but instantiates no provider. The console's typed
 * client is generated from it (scripts/build-console.ts).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../apps/api/src/app.module';
import { apiDocument } from '../apps/api/src/configure-app';

export async function writeApiDocument(out: string): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('v1');
  writeFileSync(out, `${JSON.stringify(apiDocument(app), null, 2)}\n`);
  await app.close();
}

if (require.main === module) {
  writeApiDocument(process.argv[2] ?? 'dist/openapi.json').catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
