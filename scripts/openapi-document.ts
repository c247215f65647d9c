/**
 * The API's OpenAPI document (the one served at /docs-json), written without starting anything:
 * Nest's preview mode builds the route table but instantiates no provider. The console's typed
 * client and the SDK's types (libs/sdk/src/schema.d.ts) are generated from it (`writeApiTypes`).
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../apps/api/src/app.module';
import { apiDocument } from '../apps/api/src/configure-app';
import { projectRoot } from '../libs/common/project-root';

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

/**
 * The API's types (paths, operations, schemas) as openapi-typescript writes them from the document:
 * the console's client and the SDK are typed by them, so neither is written twice.
 */
export async function writeApiTypes(out: string): Promise<void> {
  const root = projectRoot(__dirname);
  const document = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  await writeApiDocument(document);
  await promisify(execFile)(process.execPath, [
    join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
    document,
    '-o',
    out,
    '--silent',
    '--default-non-nullable=false',
  ]);
  rmSync(dirname(document), { recursive: true, force: true });
}

if (require.main === module) {
  const [what, out] = process.argv.slice(2);
  const written = what === 'types' ? writeApiTypes(out) : writeApiDocument(what ?? 'dist/openapi.json');
  written.catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
