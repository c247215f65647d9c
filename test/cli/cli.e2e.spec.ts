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

  it('logs in, creates an application, sends an event that `aw receive` verifies, lists, retries and recovers what failed, regenerates keys, deletes', async () => {
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
    const flaky = await addWebhook(as, app.id, { url: down.url, retryPolicy: { maximumAttempts: 1 } });
    const failedIds: string[] = [];
    for (const type of ['APPLICANT_CREATED', 'APPLICANT_COMPLETED']) {
      const failing = await aw(['--json', 'events', 'send', app.id, '--type', type], '{}');
      failedIds.push((JSON.parse(failing.stdout) as { eventId: string }).eventId);
    }
    const listed = await pollUntil(
      () => aw(['failed', 'list', app.id]),
      (r) => failedIds.every((id) => r.stdout.includes(id)),
    );
    expect(listed.stdout.split('\n')[0]).toMatch(/^EVENT_ID\s+EVENT_TYPE\s+ERROR_MESSAGE$/);
    expect(listed.stdout).toMatch(new RegExp(`${failedIds[0]}\\s+APPLICANT_CREATED\\s+.*500`));

    // The receiver is back: one delivery retried by its ID, the rest recovered since a time ago.
    down.answer({ status: 200 });
    const rows = JSON.parse((await aw(['--json', 'failed', 'list', app.id])).stdout) as {
      eventId: string;
      deliveryId: string;
    }[];
    const first = rows.find((r) => r.eventId === failedIds[0])!;
    const retried = await aw(['--json', 'failed', 'retry', app.id, first.deliveryId]);
    expect(JSON.parse(retried.stdout)).toMatchObject([{ deliveryId: first.deliveryId, series: 2 }]);
    expect((await aw(['failed', 'recover', app.id, flaky.id, '--since', 'yesterday'])).code).toBe(2);
    const recovered = await aw(['failed', 'recover', app.id, flaky.id, '--since', '10m']);
    expect(recovered).toMatchObject({ code: 0 });
    expect(recovered.stdout).toMatch(/^retried [12], skipped [01]/);
    await pollUntil(
      async () => down.requests.length,
      (n) => n >= 4,
    );
    await pollUntil(
      () => aw(['failed', 'list', app.id]),
      (r) => /^EVENT_ID\s+EVENT_TYPE\s+ERROR_MESSAGE$/.test(r.stdout.trim()), // the header alone
    );
    expect(down.requests.map((r) => (JSON.parse(r.body) as { id: string }).id).sort()).toEqual(
      [...failedIds, ...failedIds].sort(),
    );

    // Keys: nothing changes unasked (not a terminal, no --yes: usage); --yes goes on.
    const keysBefore = JSON.parse((await aw(['--json', 'keys', 'show', app.id])).stdout) as {
      privateAppKey: string;
    };
    const unasked = await aw(['keys', 'regenerate', app.id]);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toMatch(/pass --yes/);
    expect(JSON.parse((await aw(['--json', 'keys', 'show', app.id])).stdout)).toEqual(keysBefore);
    // On a terminal (a pty by script(1)) it asks; "n" changes nothing.
    const declined = promisify(execFile)(
      'script',
      [
        '-qec',
        [process.execPath, ...CLI, 'keys', 'regenerate', app.id, ';', 'echo', 'exit=$?'].join(' '),
        '/dev/null',
      ],
      { cwd: ROOT, env },
    );
    declined.child.stdin!.end('n\n');
    expect((await declined).stdout).toMatch(
      /Regenerate the Private App Key of app_\S+\? .*\[y\/N\][\s\S]*not confirmed[\s\S]*exit=1/,
    );
    expect(JSON.parse((await aw(['--json', 'keys', 'show', app.id])).stdout)).toEqual(keysBefore);
    const regenerated = await aw(['--json', 'keys', 'regenerate', app.id, '--yes']);
    const { privateAppKey } = JSON.parse(regenerated.stdout) as { privateAppKey: string };
    expect(privateAppKey).toMatch(/^pak_test_/);
    expect(privateAppKey).not.toBe(keysBefore.privateAppKey);
    const rotated = await aw([
      'keys',
      'regenerate',
      app.id,
      '--crypto-key',
      '--grace-window',
      'PT1H',
      '--yes',
    ]);
    expect(rotated.stdout).toMatch(/^Crypto Key version 2 is current \(was 1\)/);

    expect((await aw(['apps', 'delete', app.id])).code).toBe(2);
    expect((await aw(['apps', 'delete', app.id, '--yes'])).stdout).toBe(`deleted ${app.id}\n`);
    expect((await aw(['apps', 'show', app.id])).code).toBe(1);

    const missing = await aw(['--json', 'apps', 'show', 'app_nope']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
    expect((await aw(['events', 'send', app.id, '--type', 'APPLICANT_CREATED'], 'not json')).code).toBe(2);
  });
});
