import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { projectRoot } from '../libs/common/project-root';

/**
 * docs/configuration.md's table of settings, made from the one place they are defined: the
 * Environment class (libs/config/environment.ts), each field's doc comment its meaning, its
 * initializer (or an `@default` tag) its default. `npm run docs:config` writes it; a test fails
 * when the page and the class disagree.
 */
const root = projectRoot(__dirname);
const SOURCE = join(root, 'libs', 'config', 'environment.ts');
export const CONFIGURATION_PAGE = join(root, 'docs', 'configuration.md');
const START = '<!-- configuration:start -->';
const END = '<!-- configuration:end -->';

/** One row per setting: name, default, meaning. */
export function settingsOf(source = readFileSync(SOURCE, 'utf8')): [string, string, string][] {
  const file = ts.createSourceFile(SOURCE, source, ts.ScriptTarget.Latest, true);
  const environment = file.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === 'Environment',
  );
  if (!environment) throw new Error('libs/config/environment.ts has no class Environment');
  return environment.members.filter(ts.isPropertyDeclaration).map((member) => {
    const name = member.name.getText(file);
    const [doc] = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    const text = (node: ts.JSDoc | ts.JSDocTag) => ts.getTextOfJSDocComment(node.comment)?.trim() ?? '';
    const meaning = doc ? text(doc).replace(/\s+/g, ' ') : '';
    if (!meaning) throw new Error(`Environment.${name} has no doc comment: say what it is for`);
    const tag = doc?.tags?.find((t) => t.tagName.text === 'default');
    return [`\`${name}\``, tag ? text(tag) : literal(member.initializer, file), meaning];
  });
}

function literal(initializer: ts.Expression | undefined, file: ts.SourceFile): string {
  if (!initializer) return '(none)';
  if (ts.isStringLiteral(initializer)) return `\`${initializer.text}\``;
  return `\`${initializer.getText(file).replace(/_/g, '')}\``;
}

/** The page as it should read: its text with the table made again between the markers. */
export function configurationPage(page = readFileSync(CONFIGURATION_PAGE, 'utf8')): string {
  const [before, rest] = page.split(START);
  const after = rest?.split(END)[1];
  if (after === undefined) throw new Error(`docs/configuration.md has no ${START} … ${END}`);
  const rows = settingsOf().map((cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  const table = ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
  // Formatted as the repository's Prettier formats it (its CLI: its API loads plugins by dynamic import).
  return execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', CONFIGURATION_PAGE],
    {
      input: `${before}${START}\n\n${table}\n\n${END}${after}`,
    },
  ).toString();
}

if (require.main === module) {
  writeFileSync(CONFIGURATION_PAGE, configurationPage());
}
