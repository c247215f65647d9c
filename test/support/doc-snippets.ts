import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/**
 * A JavaScript snippet of a documentation page, between `<!-- name:start -->` and
 * `<!-- name:end -->`, run as written: it defines `exported`, which is returned. What the docs tell
 * readers to copy is what the tests run.
 */
export function docSnippet<T>(
  page: string,
  name: string,
  exported: string,
  /** Packages the snippet requires by a name this repository does not install (the SDK's). */
  packages: Record<string, unknown> = {},
): T {
  const code = snippet(page, name, 'js');
  // The snippet's own require (it is CommonJS, as readers run it), with the packages given.
  const nodeRequire = require;
  const requireIn = (id: string): unknown => (id in packages ? packages[id] : nodeRequire(id));
  return new Function('require', `${code}\nreturn ${exported};`)(requireIn) as T;
}

/** The code block (of `language`) between a page's `<!-- name:start -->` and `<!-- name:end -->`. */
function snippet(page: string, name: string, language: 'js' | 'sh'): string {
  const text = readFileSync(page === 'README.md' ? join(ROOT, page) : join(ROOT, 'docs', page), 'utf8');
  const section = new RegExp(
    `<!-- ${name}:start -->\\s*\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`,
  ).exec(text);
  if (!section) throw new Error(`${page} has no ${name} snippet`);
  return section[1];
}

/**
 * A shell snippet of the README or a docs page (`README.md`, or a page of docs/), between the same
 * markers, run by bash as written from the project's root against a test stack: only the address
 * (`http://127.0.0.1:3000`) and the operator token file (`data/admin-token`) are the test's. `aw`
 * keeps its login in a directory of the run's own. Returns what it printed.
 */
export async function runShellSnippet(
  page: string,
  name: string,
  { baseUrl, adminToken }: { baseUrl: string; adminToken: string },
): Promise<string> {
  const code = snippet(page, name, 'sh');
  const scratch = mkdtempSync(join(tmpdir(), `${name}-`));
  try {
    writeFileSync(join(scratch, 'admin-token'), adminToken);
    const script = code
      .replaceAll('http://127.0.0.1:3000', baseUrl)
      .replaceAll('data/admin-token', join(scratch, 'admin-token'));
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      env: { ...process.env, AW_CONFIG_DIR: join(scratch, 'aw'), AW_BASE_URL: baseUrl, FORCE_COLOR: '0' },
    });
    return stdout;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
