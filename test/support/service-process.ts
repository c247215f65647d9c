import { join } from 'node:path';
import { RunningProcess, startProcess } from '../../scripts/stack/processes';

const ROOT = join(__dirname, '..', '..');

export type ServiceProcess = RunningProcess;

/**
 * Runs apps/<app>/src/main.ts as its own process, straight from source (swc), with this test
 * file's settings: for what only a real process shows (signals, exit codes, crashes).
 */
export function startServiceProcess(app: 'api' | 'worker', env: Record<string, string> = {}): ServiceProcess {
  return startProcess({
    name: app,
    command: process.execPath,
    args: ['-r', '@swc-node/register', join(ROOT, 'apps', app, 'src', 'main.ts')],
    cwd: ROOT,
    env: { LOG_LEVEL: 'info', ...env },
    capture: true,
  });
}
