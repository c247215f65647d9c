import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  const text = readFileSync(join(__dirname, '..', '..', 'docs', page), 'utf8');
  const section = new RegExp(
    `<!-- ${name}:start -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`,
  ).exec(text);
  if (!section) throw new Error(`docs/${page} has no ${name} snippet`);
  // The snippet's own require (it is CommonJS, as readers run it), with the packages given.
  const nodeRequire = require;
  const requireIn = (id: string): unknown => (id in packages ? packages[id] : nodeRequire(id));
  return new Function('require', `${section[1]}\nreturn ${exported};`)(requireIn) as T;
}
