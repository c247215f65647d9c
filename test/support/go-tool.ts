import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TOOLS = join(__dirname, '..', '..', 'tools');

/**
 * A checking tool of tools/<name> (Go: it uses the reference library of the format it checks),
 * built once per test run into the run's work folder; its path.
 */
export async function goTool(name: 'compose-check' | 'prom-parse'): Promise<string> {
  const binary = join(process.env.TEST_WORK_DIR!, name);
  if (!existsSync(binary)) await run('go', ['build', '-o', binary, '.'], { cwd: join(TOOLS, name) });
  return binary;
}
