import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MasterKeyring, masterKeyId } from '../../libs/crypto/master-keyring';
import { SEALED_FIELDS } from '../../libs/persistence/sealed-fields';
import { SubjectKeysRepository } from '../../libs/persistence/repositories/subject-keys.repository';
import { EventSealing, openEventData } from '../../libs/webhooks/event-data';
import { ApiClient } from '../support/api-client';
import { startApi } from '../support/app';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** Rotating the master key: `npm run reseal` moves every stored secret to the new key. */
describe('master key rotation', () => {
  const stack = useStack();
  const oldKey = process.env.MASTER_KEY!;
  const newKey = randomBytes(32).toString('base64');

  const reseal = async () => {
    const { stdout } = await run(
      process.execPath,
      ['-r', '@swc-node/register', join(ROOT, 'scripts', 'reseal-secrets.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, MASTER_KEY: newKey, MASTER_KEY_PREVIOUS: oldKey },
      },
    );
    return stdout;
  };

  it('re-seals every secret under the new key; the service then needs only the new key', async () => {
    const workspace = await stack.client.createWorkspace();
    const apps = [
      await stack.client.createApplication(workspace.apiToken),
      await stack.client.createApplication(workspace.apiToken),
    ];
    const webhook = await stack.client
      .as(workspace.apiToken)
      .post(`/v1/applications/${apps[0].id}/webhooks`, {
        name: 'sealed',
        url: 'http://127.0.0.1:9/hook',
        headers: [{ key: 'Authorization', value: 'Bearer receiver-token-1234' }],
      })
      .expect(201);
    // An event of the application without webhooks: its data is stored sealed, nothing is sent.
    const db = stack.db();
    const eventData = { applicantId: 'appl_sealed', status: 'GREEN' };
    const { eventId } = (
      await stack.client
        .as(workspace.apiToken)
        .post(`/v1/applications/${apps[1].id}/events`, { eventType: 'APPLICANT_COMPLETED', data: eventData })
        .expect(202)
    ).body as { eventId: string };
    const storedEvent = () => db.collection('webhook_events').findOne({ _id: eventId as never });
    await pollUntil(storedEvent, (event) => event !== null);
    // And one about a subject: sealed under the subject's data key, itself sealed under the master key.
    const { eventId: aboutSubject } = (
      await stack.client
        .as(workspace.apiToken)
        .post(`/v1/applications/${apps[1].id}/events`, {
          eventType: 'APPLICANT_COMPLETED',
          subject: 'appl_sealed',
          data: eventData,
        })
        .expect(202)
    ).body as { eventId: string };
    const storedSubjectEvent = () => db.collection('webhook_events').findOne({ _id: aboutSubject as never });
    await pollUntil(storedSubjectEvent, (event) => event !== null);

    const first = await reseal();
    expect(first).toContain('crypto_keys.material: 2 re-sealed');
    expect(first).toContain('private_app_keys.key: 2 re-sealed');
    expect(first).toContain('webhook_secrets.secret: 2 re-sealed'); // the signing secret and the header
    expect(first).toContain('webhook_events.data: 1 re-sealed');
    expect(first).toContain('subject_keys.key: 1 re-sealed');
    const newKeyring = new MasterKeyring(Buffer.from(newKey, 'base64'));
    expect(openEventData(newKeyring, (await storedEvent()) as never)).toEqual(eventData);
    const newSealing = new EventSealing(newKeyring, stack.worker.get(SubjectKeysRepository));
    expect(await newSealing.open((await storedSubjectEvent()) as never)).toEqual({ data: eventData });
    for (const { collection, field } of Object.values(SEALED_FIELDS)) {
      const keys = await db.collection(collection).distinct(`${field}.mk`);
      expect({ collection, keys }).toEqual({
        collection,
        keys: [masterKeyId(Buffer.from(newKey, 'base64'))],
      });
    }
    expect(await reseal()).toContain('crypto_keys.material: 0 re-sealed');

    const rotatedApi = await startApi({ MASTER_KEY: newKey });
    try {
      const rotated = new ApiClient(rotatedApi).as(workspace.apiToken);
      for (const app of apps) {
        const credentials = await rotated.get(`/v1/applications/${app.id}/credentials`).expect(200);
        expect(credentials.body).toMatchObject(app.credentials);
      }
      const secret = await rotated
        .get(`/v1/applications/${apps[0].id}/webhooks/${webhook.body.id}/secret`)
        .expect(200);
      expect(secret.body.secret).toBe(webhook.body.secret);
      const shown = await rotated
        .get(`/v1/applications/${apps[0].id}/webhooks/${webhook.body.id}`)
        .expect(200);
      expect(shown.body.headers).toEqual([{ key: 'Authorization', value: '••••••••1234' }]);
    } finally {
      await rotatedApi.close();
    }
  });
});
