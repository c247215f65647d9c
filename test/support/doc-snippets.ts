import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A JavaScript snippet of a documentation page, between `<!-- name:start -->` and
 * `<!-- name:end -->`, run as written: it defines `exported`, which is returned. What the docs tell
 * readers to copy is what the tests run.
 */
export function docSnippet<T>(page: string, name: string, exported: string): T {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', page), 'utf8');
  const section = new RegExp(
    `<!-- ${name}:start -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`,
  ).exec(text);
  if (!section) throw new Error(`docs/${page} has no ${name} snippet`);
  return new Function('require', `${section[1]}\nreturn ${exported};`)(require) as T;
}
