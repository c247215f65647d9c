/**
 * Builds the console (apps/console) into dist/console, or the folder named: generates its typed
 * API client from the OpenAPI document, type-checks it, bundles it with Vite, and prints the
 * initial JavaScript's gzipped size, failing above the budget.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../libs/common/project-root';
import { writeApiTypes } from './openapi-document';

/** The budget for what the first page load downloads. */
export const INITIAL_JS_BUDGET_BYTES = 250 * 1024;

const root = projectRoot(__dirname);
const consoleDir = join(root, 'apps', 'console');

async function run(script: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules', script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${script} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** The gzipped bytes of the scripts index.html loads at once (its entry and module preloads). */
export function initialJsBytes(outDir: string): number {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/console\/([^"]+\.js)"/g),
  ];
  return scripts.reduce((sum, [, file]) => sum + gzipSync(readFileSync(join(outDir, file))).length, 0);
}

export async function buildConsole(outDir = join(root, 'dist', 'console')): Promise<number> {
  mkdirSync(join(root, 'dist'), { recursive: true });
  await writeApiTypes(join(consoleDir, 'src', 'api', 'schema.d.ts'));
  await run('typescript/bin/tsc', ['-p', join(consoleDir, 'tsconfig.json')]);
  await run(
    'vite/bin/vite.js',
    ['build', '--config', join(consoleDir, 'vite.config.mts'), '--logLevel', 'warn'],
    // React's production build, whatever the caller's NODE_ENV (tests run with `test`).
    { CONSOLE_OUT_DIR: outDir, NODE_ENV: 'production' },
  );
  const bytes = initialJsBytes(outDir);
  const figure = `console: initial JavaScript ${(bytes / 1024).toFixed(1)} KB gzipped (budget ${INITIAL_JS_BUDGET_BYTES / 1024} KB)`;
  if (bytes > INITIAL_JS_BUDGET_BYTES) throw new Error(`${figure}: over budget`);
  console.log(figure);
  return bytes;
}

if (require.main === module) {
  buildConsole(process.argv[2]).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
