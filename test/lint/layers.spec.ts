import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * `npm run lint:layers` refuses an arrow that runs back up: a tree with the project's layer rules
 * (.dependency-cruiser.cjs), where libs/ imports a workflow, fails; the same tree without that
 * import passes. So the rule is checked, not only written down.
 */
describe('the layer rules', () => {
  const tree = mkdtempSync(join(tmpdir(), 'layers-'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  const cruise = async (libsFile: string) => {
    for (const dir of ['libs', 'workflows']) mkdirSync(join(tree, dir), { recursive: true });
    writeFileSync(join(tree, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs' } }));
    writeFileSync(join(tree, 'workflows', 'planted.workflow.ts'), 'export async function planted() {}\n');
    writeFileSync(join(tree, 'libs', 'starter.ts'), libsFile);
    try {
      await run(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
          'libs',
          'workflows',
          '--config',
          join(ROOT, '.dependency-cruiser.cjs'),
          '--output-type',
          'err',
        ],
        { cwd: tree, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      );
      return { refused: false, output: '' };
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      // Without colour codes, whatever the terminal (CI forces colour on).
      // eslint-disable-next-line no-control-regex -- the escape character is what is removed
      return { refused: true, output: `${stdout}${stderr}`.replace(/\u001b\[[0-9;]*m/g, '') };
    }
  };

  it('refuses libs/ importing a workflow, naming the rule', async () => {
    const planted = await cruise(
      "import { planted } from '../workflows/planted.workflow';\nexport const start = planted;\n",
    );
    expect(planted.refused).toBe(true);
    expect(planted.output).toContain('workflows-are-the-workers');
    expect(planted.output).toContain('libs/starter.ts → workflows/planted.workflow.ts');
  });

  it('passes the same tree without that import', async () => {
    expect(await cruise('export const start = () => undefined;\n')).toEqual({ refused: false, output: '' });
  });
});
