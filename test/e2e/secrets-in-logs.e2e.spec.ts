import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';

/**
 * The API and the worker as real processes at the most verbose log level, taken through every
 * route that creates or reveals a secret, with good and bad credentials. Then everything they
 * printed is searched for every secret of the run: none may appear.
 */
describe('secrets never reach the logs', () => {
  const stack = useStack({ apiProcess: { LOG_LEVEL: 'trace' }, workerProcesses: [{ LOG_LEVEL: 'trace' }] });
  const secrets = new Set<string>([process.env.ADMIN_TOKEN!, process.env.MASTER_KEY!]);

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const remember = (...values: string[]) => {
    for (const value of values) {
      secrets.add(value);
      if (/^[A-Za-z0-9+/]+=*$/.test(value) && value.length >= 40)
        secrets.add(Buffer.from(value, 'base64').toString('hex'));
    }
  };

  it('creates, reads, rotates and regenerates every kind of secret, and logs none of them', async () => {
    const workspace = await call('POST', '/v1/workspaces', process.env.ADMIN_TOKEN, { name: 'Secretive' });
    expect(workspace.status).toBe(201);
    remember(workspace.body.apiToken);
    const token = workspace.body.apiToken;

    const app = await call('POST', '/v1/applications', token, {
      name: 'Vault',
      encryptionMethod: 'AES-256-CBC',
    });
    expect(app.status).toBe(201);
    const id = app.body.id;
    const provisioned = await pollUntil(
      () => call('GET', `/v1/applications/${id}/credentials`, token),
      (res) => res.status === 200,
    );
    remember(provisioned.body.cryptoKey, provisioned.body.privateAppKey);

    const rotated = await call('POST', `/v1/applications/${id}/crypto-key/rotate`, token, {
      graceWindow: 'PT0S',
    });
    expect(rotated.status).toBe(202);
    remember((await call('GET', `/v1/applications/${id}/credentials`, token)).body.cryptoKey);
    const regenerated = await call('POST', `/v1/applications/${id}/private-app-key/regenerate`, token);
    remember(regenerated.body.privateAppKey);
    const rotatedWorkspace = await call(
      'POST',
      `/v1/workspaces/${workspace.body.id}/api-token/rotate`,
      process.env.ADMIN_TOKEN,
    );
    remember(rotatedWorkspace.body.apiToken);

    // Failures log too: wrong kinds, revoked and mangled credentials, bad bodies carrying secrets.
    expect((await call('GET', `/v1/applications/${id}`, token)).status).toBe(401);
    expect((await call('GET', `/v1/applications/${id}`, provisioned.body.privateAppKey)).status).toBe(401);
    expect((await call('GET', '/v1/workspaces', regenerated.body.privateAppKey)).status).toBe(403);
    expect((await call('GET', '/v1/workspaces', `${process.env.ADMIN_TOKEN}x`)).status).toBe(401);
    expect(
      (
        await call('POST', '/v1/applications', rotatedWorkspace.body.apiToken, {
          name: provisioned.body.cryptoKey,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/v1/applications', rotatedWorkspace.body.apiToken, {
          secret: regenerated.body.privateAppKey,
        })
      ).status,
    ).toBe(400);

    await call('DELETE', `/v1/applications/${id}`, rotatedWorkspace.body.apiToken);
    const logs = stack.processes.api!.output() + stack.processes.workers[0].output();
    expect(logs).toContain('"req"'); // the request logger did log these calls
    const found = [...secrets].filter((secret) => logs.includes(secret));
    expect(found).toEqual([]);
    expect(secrets.size).toBeGreaterThanOrEqual(10);
  });
});
