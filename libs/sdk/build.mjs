// Builds the package: CommonJS in dist/cjs, ES modules in dist/esm, each with its declarations
// (the generated schema.d.ts copied beside them). `node build.mjs <dir>` builds into <dir> instead.
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, 'dist'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const [format, config] of [
  ['cjs', 'tsconfig.cjs.json'],
  ['esm', 'tsconfig.esm.json'],
]) {
  execFileSync(process.execPath, [tsc, '-p', join(here, config), '--outDir', join(out, format)], {
    stdio: 'inherit',
  });
  copyFileSync(join(here, 'src', 'schema.d.ts'), join(out, format, 'schema.d.ts'));
}
writeFileSync(join(out, 'esm', 'package.json'), '{ "type": "module" }\n');
