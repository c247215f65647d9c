import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { encryptJson } from '../../libs/crypto/envelope';
import {
  ApiError,
  Client,
  openEncryptedData,
  verifyWebhook,
  WebhookVerificationError,
} from '../../libs/sdk/src';
import * as sdkPackage from '../../libs/sdk/src';
import { generateSigningSecret, verificationKeyOf, webhookHeaders } from '../../libs/webhooks/signing';
import { writeApiTypes } from '../../scripts/openapi-document';
import { docSnippet } from '../support/doc-snippets';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';

const ROOT = join(__dirname, '..', '..');

describe('SDK against the service', () => {
  const stack = useStack();
  const client = async () => {
    const workspace = await stack.client.createWorkspace();
    const port = (stack.api.getHttpServer().address() as AddressInfo).port;
    return new Client({ baseUrl: `http://127.0.0.1:${port}`, token: workspace.apiToken });
  };

  it('creates an application, waits for its keys, adds webhooks, sends events the receivers verify and open', async () => {
    const sdk = await client();
    const created = await sdk.applications.create({
      name: 'SDK app',
      encryptionMethod: 'AES-256-CBC',
      encryptWebhooks: true,
    });
    const app = await sdk.applications.whenActive(created.id);
    expect(app.status).toBe('active');
    const { cryptoKey } = await sdk.credentials.get(app.id);

    const hmacTarget = await stack.receivers.start();
    const edTarget = await stack.receivers.start();
    const hmac = await sdk.webhooks.create(app.id, { name: 'hmac', url: hmacTarget.url });
    const ed = await sdk.webhooks.create(app.id, { name: 'ed', url: edTarget.url, signature: 'ed25519' });
    const { secret: publicKey } = await sdk.webhooks.secret(app.id, ed.id);
    expect(publicKey).toMatch(/^whpk_/);

    const first = await sdk.events.send(
      app.id,
      { eventType: 'APPLICANT_COMPLETED', data: { applicantId: 'appl_1' } },
      { idempotencyKey: 'once' },
    );
    const again = await sdk.events.send(
      app.id,
      { eventType: 'APPLICANT_COMPLETED', data: { applicantId: 'appl_1' } },
      { idempotencyKey: 'once' },
    );
    expect(again.eventId).toBe(first.eventId);

    await pollUntil(
      async () => hmacTarget.requests.length + edTarget.requests.length,
      (n) => n >= 2,
    );
    for (const [target, secret] of [
      [hmacTarget, hmac.secret!],
      [edTarget, publicKey],
    ] as const) {
      const [delivery] = target.requests;
      const body = verifyWebhook(delivery.headers as Record<string, string>, delivery.body, secret) as {
        id: string;
        encryptedData: Parameters<typeof openEncryptedData>[0];
      };
      expect(body.id).toBe(first.eventId);
      expect(openEncryptedData(body.encryptedData, cryptoKey, app.id)).toEqual({ applicantId: 'appl_1' });
      expect(() =>
        verifyWebhook(delivery.headers as Record<string, string>, `${delivery.body} `, secret),
      ).toThrow(WebhookVerificationError);
    }
    expect(hmacTarget.requests).toHaveLength(1);

    // The receiver snippet of docs/sdk.md, as written.
    const receive = docSnippet<
      (headers: unknown, rawBody: string, secret: string, cryptoKey: string, applicationId: string) => unknown
    >('sdk.md', 'sdk-receive', 'receive', { '@applications-webhooks/sdk': sdkPackage });
    const [delivery] = edTarget.requests;
    expect(receive(delivery.headers, delivery.body, publicKey, cryptoKey, app.id)).toEqual({
      id: first.eventId,
      type: 'APPLICANT_COMPLETED',
      data: { applicantId: 'appl_1' },
    });
  });

  it('lists failed deliveries across pages and retries one; errors carry the API’s code', async () => {
    const sdk = await client();
    const app = await sdk.applications.whenActive(
      (await sdk.applications.create({ name: 'Failing', encryptionMethod: 'AES-256-GCM' })).id,
    );
    const target = await stack.receivers.start();
    target.answer({ status: 500, body: 'down' });
    const webhook = await sdk.webhooks.create(app.id, {
      name: 'down',
      url: target.url,
      retryPolicy: { maximumAttempts: 1 },
    });
    const sent = await Promise.all(
      [1, 2, 3].map((n) => sdk.events.send(app.id, { eventType: 'APPLICANT_CREATED', data: { n } })),
    );
    const failed = await pollUntil(
      async () => {
        const rows = [];
        for await (const row of sdk.deliveries.failed(app.id, { limit: 2 })) rows.push(row);
        return rows;
      },
      (rows) => rows.length === 3,
    );
    expect(failed.map((r) => r.eventId).sort()).toEqual(sent.map((s) => s.eventId).sort());
    expect(failed[0].errorMessage).toMatch(/500/);

    target.answer({ status: 200 });
    await sdk.deliveries.retry(app.id, `${sent[0].eventId}:${webhook.id}`);
    await pollUntil(
      () => sdk.deliveries.get(app.id, `${sent[0].eventId}:${webhook.id}`),
      (d) => d.status === 'succeeded',
    );

    const missing = await sdk.applications.get('app_doesnotexist').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: 'APPLICATION_NOT_FOUND' });
  });
});

describe('SDK receiver helpers against the service’s own signing and encryption', () => {
  it('verifies HMAC (as standardwebhooks does) and Ed25519 signatures, and refuses stale or forged ones', () => {
    const body = JSON.stringify({ id: 'evt_1', data: { a: 1 } });
    const now = Math.floor(Date.now() / 1000);
    const hmac = generateSigningSecret('hmac-sha256');
    const ed = generateSigningSecret('ed25519');
    const headers = webhookHeaders([hmac, ed], 'evt_1', now, body);
    expect(verifyWebhook(headers, body, hmac)).toEqual(JSON.parse(body));
    expect(verifyWebhook(headers, body, verificationKeyOf(ed))).toEqual(JSON.parse(body));
    expect(new StandardWebhook(hmac).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => verifyWebhook(headers, body, generateSigningSecret('hmac-sha256'))).toThrow(/no signature/);
    const stale = webhookHeaders([hmac], 'evt_1', now - 600, body);
    expect(() => verifyWebhook(stale, body, hmac)).toThrow(/tolerance/);
  });

  it('opens CBC and GCM envelopes the service makes, and refuses another application’s', () => {
    const material = Buffer.alloc(32, 7);
    for (const method of ['AES-256-CBC', 'AES-256-GCM'] as const) {
      const envelope = encryptJson({ score: 90 }, method, { material, version: 3 }, 'app_1');
      expect(openEncryptedData(envelope as never, material.toString('base64'), 'app_1')).toEqual({
        score: 90,
      });
      expect(() => openEncryptedData(envelope as never, material.toString('base64'), 'app_2')).toThrow();
    }
  });
});

describe('SDK package', () => {
  it('has the types of the API it serves (regenerate with `npm run sdk:types`)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-types-'));
    try {
      await writeApiTypes(join(dir, 'schema.d.ts'));
      expect(readFileSync(join(dir, 'schema.d.ts'), 'utf8')).toBe(
        readFileSync(join(ROOT, 'libs', 'sdk', 'src', 'schema.d.ts'), 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds as CommonJS and as ES modules, exporting the same', () => {
    // Inside the project, so the build finds openapi-fetch in its node_modules as an install would.
    const dir = mkdtempSync(join(ROOT, 'libs', 'sdk', '.build-'));
    try {
      execFileSync(process.execPath, [join(ROOT, 'libs', 'sdk', 'build.mjs'), dir]);
      const names = (code: string, type: string) =>
        execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: ROOT })
          .toString()
          .trim();
      const cjs = names(
        `console.log(Object.keys(require(${JSON.stringify(join(dir, 'cjs'))})).sort().join())`,
        'commonjs',
      );
      const esm = names(
        `console.log(Object.keys(await import(${JSON.stringify(join(dir, 'esm', 'index.js'))})).sort().join())`,
        'module',
      );
      expect(cjs).toBe('ApiError,Client,WebhookVerificationError,openEncryptedData,verifyWebhook');
      expect(esm).toBe(cjs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
