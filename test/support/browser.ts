import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { Browser, chromium, Page } from 'playwright-core';
import { projectRoot } from '../../libs/common/project-root';
import { buildConsole } from '../../scripts/build-console';
import { pollUntil } from './poll';

/**
 * Debian's Chromium: the builds Playwright downloads cannot be fetched on these machines. `.ci/run`
 * installs it; elsewhere a missing browser fails the browser tests with how to install it.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No browser at ${CHROMIUM}: the console's browser tests need Chromium. Install it with ` +
        '`sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The console built once per test run, into the run's work folder (parallel test files wait for
 * the first one's build).
 */
export async function builtConsole(): Promise<string> {
  const outDir = join(process.env.TEST_WORK_DIR!, 'console');
  const lock = `${outDir}.building`;
  try {
    mkdirSync(lock);
  } catch {
    await pollUntil(async () => existsSync(join(outDir, 'index.html')), Boolean, { timeoutMs: 120_000 });
    return outDir;
  }
  await buildConsole(outDir);
  return outDir;
}

export interface AxeFinding {
  page: string;
  id: string;
  impact: string;
  nodes: number;
  /** The first few offending elements, to find them. */
  targets: string[];
}

/**
 * Every axe-core finding on the page at rest; the tests allow none serious or critical. At rest:
 * a colour read while a transition runs (a button fading to its hover or disabled colours) is
 * neither the colour before nor after, and failed contrast once in two clean-clone runs
 * (#a7a7a7 on #d3d3d3). So the finite animations and CSS transitions running are let finish first
 * (and the console's own dialogs, under reduced motion, have none).
 */
export async function accessibilityFindings(page: Page, name: string): Promise<AxeFinding[]> {
  // In the page (text: this project's TypeScript has no DOM types). Two frames first: a transition
  // may be set going a frame or two after what the test waited for appeared (Mantine's are).
  await page.evaluate(
    `new Promise((frame) => requestAnimationFrame(() => requestAnimationFrame(frame))).then(() =>
      Promise.all(document.getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined))))`,
  );
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => ({
    page: name,
    id: v.id,
    impact: v.impact ?? 'unknown',
    nodes: v.nodes.length,
    targets: v.nodes
      .slice(0, 3)
      .map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1] ?? ''}`),
  }));
}

export const blocking = (findings: AxeFinding[]) =>
  findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');

/** The page as docs/console.md shows it: docs/console/<name>.png (SCREENSHOT_DIR to write elsewhere). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR ?? join(projectRoot(__dirname), 'docs', 'console');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.png`), await page.screenshot({ fullPage: true }));
}
