import { Client } from '@temporalio/client';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';

describe('applications: provisioning, credentials, validation (real Temporal and FerretDB)', () => {
  const stack = useStack({ temporal: true });
  let workspace: { id: string; apiToken: string };
  const db = () => stack.db();

  beforeAll(async () => {
    workspace = await stack.client.createWorkspace('Acme');
  });

  const asWorkspace = () => stack.client.as(workspace.apiToken);

  it('creates an application whose provisioning generates its ID and keys, returned once ready', async () => {
    const res = await asWorkspace()
      .post('/v1/applications', {
        name: '  KYC onboarding  ',
        description: 'Main flow',
        redirectUrl: 'https://example.com/done',
        encryptionMethod: 'AES-256-CBC',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^app_[0-9A-Za-z]+$/),
      name: 'KYC onboarding',
      description: 'Main flow',
      redirectUrl: 'https://example.com/done',
      encryptionMethod: 'AES-256-CBC',
      mode: 'test',
      status: 'active',
      cryptoKeyVersion: 1,
      cryptoKeyRotation: null,
    });
    const { credentials } = res.body;
    expect(credentials.applicationId).toBe(res.body.id);
    expect(Buffer.from(credentials.cryptoKey, 'base64')).toHaveLength(32);
    expect(credentials.cryptoKeyVersion).toBe(1);
    expect(credentials.privateAppKey).toMatch(/^pak_test_[0-9A-Za-z]{49}$/);

    // Readable again, the same; both answers that carried keys are audited (the create's too).
    const again = await asWorkspace().get(`/v1/applications/${res.body.id}/credentials`).expect(200);
    expect(again.body).toEqual(credentials);
    const audit = await asWorkspace().get(`/v1/applications/${res.body.id}/audit-events`).expect(200);
    expect(
      audit.body.items.map((e: { action: string; details: { via?: string } }) => [e.action, e.details.via]),
    ).toEqual([
      ['credentials.read', undefined],
      ['credentials.read', 'create'],
      ['application.created', undefined],
    ]);
    expect(audit.body.items[0].actor).toEqual({ kind: 'workspace', id: workspace.id });
    expect(JSON.stringify(audit.body)).not.toContain(credentials.cryptoKey);

    // At rest, neither key is stored in clear.
    for (const collection of ['applications', 'crypto_keys', 'private_app_keys', 'audit_events']) {
      const docs = JSON.stringify(await db().collection(collection).find({}).toArray());
      expect(docs).not.toContain(credentials.cryptoKey);
      expect(docs).not.toContain(credentials.privateAppKey);
      expect(docs).not.toContain(Buffer.from(credentials.cryptoKey, 'base64').toString('hex'));
    }
  });

  it('issues live keys in live mode', async () => {
    const app = await stack.client.createApplication(workspace.apiToken, { mode: 'live' });
    expect(app.credentials.privateAppKey).toMatch(/^pak_live_/);
  });

  it('is found in Temporal by its workflow ID and by the ApplicationId search attribute, without key material in its history', async () => {
    const app = await stack.client.createApplication(workspace.apiToken);
    const temporalClient = new Client({ connection: stack.temporal });
    const handle = temporalClient.workflow.getHandle(WorkflowIds.applicationProvisioning(app.id));
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const found = await pollUntil(
      async () => {
        const ids: string[] = [];
        for await (const w of temporalClient.workflow.list({ query: `ApplicationId = "${app.id}"` }))
          ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
    );
    expect(found).toEqual([WorkflowIds.applicationProvisioning(app.id)]);
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain(app.credentials.cryptoKey);
    expect(history).not.toContain(app.credentials.privateAppKey);
  });

  it('returns the same application for the same Idempotency-Key, provisioned once', async () => {
    const body = { name: 'Idempotent app', encryptionMethod: 'AES-256-GCM' };
    const first = await asWorkspace()
      .post('/v1/applications', body)
      .set('idempotency-key', 'req-42')
      .expect(201);
    const second = await asWorkspace()
      .post('/v1/applications', body)
      .set('idempotency-key', 'req-42')
      .expect(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.credentials).toEqual(first.body.credentials);
    const versions = await asWorkspace()
      .get(`/v1/applications/${first.body.id}/crypto-key/versions`)
      .expect(200);
    expect(versions.body.items).toHaveLength(1);
    const bad = await asWorkspace()
      .post('/v1/applications', body)
      .set('idempotency-key', 'has spaces')
      .expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
  });

  it('keeps names unique in the workspace ignoring case and spaces (409), but not across workspaces', async () => {
    await stack.client.createApplication(workspace.apiToken, { name: 'Unique Name' });
    const clash = await asWorkspace()
      .post('/v1/applications', { name: ' unique name ', encryptionMethod: 'AES-256-GCM' })
      .expect(409);
    expect(clash.body).toMatchObject({ code: 'NAME_TAKEN', details: { field: 'name' } });
    const other = await stack.client.createWorkspace('Other');
    await stack.client.createApplication(other.apiToken, { name: 'Unique Name' });
  });

  it('lists newest first with a cursor, and filters by mode', async () => {
    const listing = await stack.client.createWorkspace('Lister');
    const as = stack.client.as(listing.apiToken);
    const created: string[] = [];
    for (const mode of ['test', 'live', 'test', 'test', 'live']) {
      created.unshift((await stack.client.createApplication(listing.apiToken, { mode })).id);
    }
    const first = await as.get('/v1/applications?limit=2').expect(200);
    const second = await as.get(`/v1/applications?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    const third = await as.get(`/v1/applications?limit=2&cursor=${second.body.nextCursor}`).expect(200);
    expect(
      [...first.body.items, ...second.body.items, ...third.body.items].map((a: { id: string }) => a.id),
    ).toEqual(created);
    expect(third.body.nextCursor).toBeNull();
    const live = await as.get('/v1/applications?mode=live').expect(200);
    expect(live.body.items.map((a: { mode: string }) => a.mode)).toEqual(['live', 'live']);
    expect(JSON.stringify(first.body)).not.toMatch(/pak_|cryptoKey"/);
    await as.get('/v1/applications?cursor=garbage').expect(400);
  });

  it('changes name, description, redirect URL and encryption method; mode stays fixed', async () => {
    const app = await stack.client.createApplication(workspace.apiToken);
    const res = await asWorkspace()
      .patch(`/v1/applications/${app.id}`, {
        name: 'Renamed',
        description: null,
        redirectUrl: 'http://localhost:3000/cb',
        encryptionMethod: 'AES-256-CBC',
      })
      .expect(200);
    expect(res.body).toMatchObject({
      name: 'Renamed',
      description: null,
      redirectUrl: 'http://localhost:3000/cb',
      encryptionMethod: 'AES-256-CBC',
    });
    const mode = await asWorkspace().patch(`/v1/applications/${app.id}`, { mode: 'live' }).expect(400);
    expect(mode.body.details).toEqual([{ field: 'mode', problems: ['property mode should not exist'] }]);
    const live = await stack.client.createApplication(workspace.apiToken, { mode: 'live' });
    const http = await asWorkspace()
      .patch(`/v1/applications/${live.id}`, { redirectUrl: 'http://localhost/cb' })
      .expect(400);
    expect(http.body.details[0]).toMatchObject({ field: 'redirectUrl' });
  });

  describe('bad input gets a 4xx naming the field, and changes nothing', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['missing name', { encryptionMethod: 'AES-256-GCM' }, 'name'],
      ['blank name', { name: '   ', encryptionMethod: 'AES-256-GCM' }, 'name'],
      ['long name', { name: 'x'.repeat(101), encryptionMethod: 'AES-256-GCM' }, 'name'],
      [
        'long description',
        { name: 'n', description: 'x'.repeat(1001), encryptionMethod: 'AES-256-GCM' },
        'description',
      ],
      ['unknown method', { name: 'n', encryptionMethod: 'AES-128-ECB' }, 'encryptionMethod'],
      ['unknown mode', { name: 'n', encryptionMethod: 'AES-256-GCM', mode: 'prod' }, 'mode'],
      [
        'http redirect',
        { name: 'n', encryptionMethod: 'AES-256-GCM', redirectUrl: 'http://example.com' },
        'redirectUrl',
      ],
      [
        'relative redirect',
        { name: 'n', encryptionMethod: 'AES-256-GCM', redirectUrl: '/done' },
        'redirectUrl',
      ],
      [
        'rotation too often',
        { name: 'n', encryptionMethod: 'AES-256-GCM', cryptoKeyRotation: { every: '30m' } },
        'cryptoKeyRotation.every',
      ],
      [
        'rotation too rare',
        { name: 'n', encryptionMethod: 'AES-256-GCM', cryptoKeyRotation: { every: 'P3Y' } },
        'cryptoKeyRotation.every',
      ],
      [
        'grace too long',
        {
          name: 'n',
          encryptionMethod: 'AES-256-GCM',
          cryptoKeyRotation: { every: '30d', graceWindow: '8d' },
        },
        'cryptoKeyRotation.graceWindow',
      ],
      [
        'rotation not an object',
        { name: 'n', encryptionMethod: 'AES-256-GCM', cryptoKeyRotation: 'monthly' },
        'cryptoKeyRotation',
      ],
      ['client-set id', { name: 'n', encryptionMethod: 'AES-256-GCM', id: 'app_mine' }, 'id'],
      ['client-set status', { name: 'n', encryptionMethod: 'AES-256-GCM', status: 'active' }, 'status'],
      [
        'client-set credentials',
        { name: 'n', encryptionMethod: 'AES-256-GCM', credentials: {} },
        'credentials',
      ],
    ];

    it.each(cases)('%s', async (_, body, field) => {
      const before = await db().collection('applications').countDocuments();
      const res = await asWorkspace().post('/v1/applications', body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(res.body.message).toContain(field.split('.').pop());
      expect(await db().collection('applications').countDocuments()).toBe(before);
    });

    it('refuses malformed IDs in the path, naming them', async () => {
      const res = await asWorkspace().get('/v1/applications/not-an-id').expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'id' })]);
    });
  });
});
