import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/stack/ports';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import { addWebhook } from '../support/webhooks';

const ROOT = join(__dirname, '..', '..');
const CLI = ['-r', '@swc-node/register', join(ROOT, 'apps', 'cli', 'src', 'main.ts')];

/** `aw`, as a user runs it: a process, its output and exit code; the token kept in a config directory of its own. */
describe('command line (aw)', () => {
  const stack = useStack();
  const configDir = mkdtempSync(join(tmpdir(), 'aw-config-'));
  const env = { ...process.env, AW_CONFIG_DIR: configDir, FORCE_COLOR: '0' };
  afterAll(() => rmSync(configDir, { recursive: true, force: true }));

  const aw = async (args: string[], input?: string) => {
    const run = promisify(execFile)(process.execPath, [...CLI, ...args], { cwd: ROOT, env });
    if (input !== undefined) {
      run.child.stdin!.end(input);
    }
    try {
      const { stdout, stderr } = await run;
      return { code: 0, stdout, stderr };
    } catch (err) {
      const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
      return { code, stdout, stderr };
    }
  };

  it('logs in, creates an application, sends an event that `aw receive` verifies, lists what failed', async () => {
    const workspace = await stack.client.createWorkspace();
    const baseUrl = `http://127.0.0.1:${(stack.api.getHttpServer().address() as AddressInfo).port}`;

    expect((await aw(['apps', 'list'])).code).toBe(2); // not logged in yet: usage
    const login = await aw(['login', '--token', workspace.apiToken, '--base-url', baseUrl]);
    expect(login).toMatchObject({ code: 0 });
    expect(statSync(join(configDir, 'config.json')).mode & 0o777).toBe(0o600);
    const refused = await aw(['login', '--token', 'wst_notatoken', '--base-url', baseUrl]);
    expect(refused.code).toBe(1);

    const created = await aw(['--json', 'apps', 'create', 'CLI app']);
    expect(created.code).toBe(0);
    const app = JSON.parse(created.stdout) as { id: string; status: string };
    expect(app.status).toBe('active');
    expect((await aw(['apps', 'list'])).stdout).toMatch(new RegExp(`${app.id}\\s+CLI app\\s+test\\s+active`));

    // A local receiver on a free port, verifying with the webhook's secret.
    const as = stack.client.as(workspace.apiToken);
    const port = await freePort();
    const added = await aw([
      '--json',
      'webhooks',
      'add',
      app.id,
      `http://127.0.0.1:${port}/`,
      '--name',
      'local',
    ]);
    expect(added.code).toBe(0);
    const webhook = JSON.parse(added.stdout) as { id: string; secret: string };
    expect(webhook.secret).toMatch(/^whsec_/);
    expect((await aw(['webhooks', 'list', app.id])).stdout).toMatch(
      new RegExp(`${webhook.id}\\s+local\\s+http`),
    );
    const credentials = JSON.parse((await aw(['--json', 'keys', 'show', app.id])).stdout) as {
      privateAppKey: string;
    };
    expect(credentials.privateAppKey).toMatch(/^pak_test_/);
    const receiver = spawn(
      process.execPath,
      [...CLI, 'receive', '--port', String(port), '--secret', webhook.secret],
      {
        cwd: ROOT,
        env,
      },
    );
    let received = '';
    receiver.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()));
    try {
      await pollUntil(
        async () => {
          const listening = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).catch(
            () => null,
          );
          return listening?.status;
        },
        (status) => status === 400,
      );
      const sent = await aw(
        ['--json', 'events', 'send', app.id, '--type', 'APPLICANT_COMPLETED'],
        '{"applicantId":"appl_7"}',
      );
      expect(sent.code).toBe(0);
      const { eventId } = JSON.parse(sent.stdout) as { eventId: string };
      await pollUntil(
        async () => received,
        (out) => out.includes(`verified ${eventId} APPLICANT_COMPLETED`),
      );
      expect(received).toContain('refused: missing webhook-id header');
      const tested = await aw(['--json', 'webhooks', 'test', app.id, webhook.id]);
      const { eventId: testId } = JSON.parse(tested.stdout) as { eventId: string };
      await pollUntil(
        async () => received,
        (out) => out.includes(`verified ${testId} WEBHOOK_TEST`),
      );
    } finally {
      receiver.kill('SIGTERM');
    }

    // A failing webhook: its delivery in `aw failed list`, the seed's columns.
    const down = await stack.receivers.start();
    down.answer({ status: 500, body: 'down' });
    await as.patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { enabled: false }).expect(200);
    await addWebhook(as, app.id, { url: down.url, retryPolicy: { maximumAttempts: 1 } });
    const failing = await aw(['--json', 'events', 'send', app.id, '--type', 'APPLICANT_CREATED'], '{}');
    const { eventId: failedId } = JSON.parse(failing.stdout) as { eventId: string };
    const listed = await pollUntil(
      () => aw(['failed', 'list', app.id]),
      (r) => r.stdout.includes(failedId),
    );
    expect(listed.stdout.split('\n')[0]).toMatch(/^EVENT_ID\s+EVENT_TYPE\s+ERROR_MESSAGE$/);
    expect(listed.stdout).toMatch(new RegExp(`${failedId}\\s+APPLICANT_CREATED\\s+.*500`));

    const missing = await aw(['--json', 'apps', 'show', 'app_nope']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
    expect((await aw(['events', 'send', app.id, '--type', 'APPLICANT_CREATED'], 'not json')).code).toBe(2);
  });
});
