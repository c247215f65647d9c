#!/usr/bin/env node
// `npm start` and `npm test` on a fresh machine (node, npm, python3, go): installs what is missing
// (npm packages; the pinned Temporal and FerretDB binaries, into a cache), then starts the service
// or runs the tests. Plain Node with no dependencies, because it runs before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, stdio = 'inherit') {
  const { status } = spawnSync(command, args, { cwd: root, stdio });
  if (status !== 0) process.exit(status ?? 1);
}

function ensureNpmPackages() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[run] installing npm packages (npm ci)');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}

/** Runs a long-lived child; Ctrl-C reaches it through the process group, and we exit with it. */
function handOver(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const [command, ...rest] = process.argv.slice(2);
ensureNpmPackages();
// Its stdout lists the binaries' paths, for the scripts that start them; progress is on stderr.
run('bash', [join(root, 'scripts', 'install-servers.sh')], ['ignore', 'ignore', 'inherit']);
switch (command) {
  case 'start':
    console.log('[run] building (tsc, workflow bundle)');
    run(npm, ['run', '--silent', 'build']);
    handOver(process.execPath, [join(root, 'dist', 'scripts', 'start-stack.js')]);
    break;
  case 'test':
    handOver(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...rest]);
    break;
  default:
    console.error('usage: node scripts/run.mjs start|test [jest arguments]');
    process.exit(2);
}
