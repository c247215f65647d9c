import type { AddressInfo } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { encryptJson } from '../../libs/crypto/envelope';
import { ApiClient } from '../support/api-client';
import { useStack } from '../support/stack';
import {
  accessibilityFindings,
  AxeFinding,
  blocking,
  builtConsole,
  launchChromium,
  screenshot,
} from '../support/browser';
import { expireNow } from '../support/console-sessions';
import { pollUntil } from '../support/poll';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';

/**
 * The console in a real browser (Debian's Chromium through playwright-core), against the real API,
 * worker, Temporal and FerretDB: the original product's journey, and the ways it must refuse.
 */
describe('console (in Chromium)', () => {
  let consoleDir: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  // Before the stack's hooks: the API serves the console built here, and the browser's pages
  // (some of them polling) are closed before the API is.
  beforeAll(async () => {
    [consoleDir, browser] = await Promise.all([builtConsole(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
  });
  const stack = useStack({ api: () => ({ CONSOLE_DIR: consoleDir }) });
  const { receivers } = stack;
  let api: NestExpressApplication;
  let client: ApiClient;
  let base: string;
  const findings: AxeFinding[] = [];
  const checked: string[] = [];
  const pageErrors: string[] = [];

  /** A fresh browser profile: no cookie, nothing stored. */
  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({
      baseURL: base,
      viewport: { width: 1280, height: 860 },
      // datetime-local inputs are in the browser's zone: UTC, as the test computes them.
      timezoneId: 'UTC',
      // Dialogs open without their fade (the console honours it), so axe reads their colours at
      // rest: read mid-fade, a dialog's text once failed contrast (#8e8e8e on #dadada).
      reducedMotion: 'reduce',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  /** Checks the page with axe-core, and writes its screenshot for docs/console.md. */
  async function record(page: Page, name: string): Promise<void> {
    findings.push(...(await accessibilityFindings(page, name)));
    checked.push(name);
    await screenshot(page, name);
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto('/console/');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Applications', exact: true }).waitFor();
  }

  /** Clicks Reveal in the key's region and returns the key once it shows. */
  async function reveal(region: Locator): Promise<string> {
    await region.getByRole('button', { name: 'Reveal' }).click();
    const value = region.getByTestId('secret-value');
    return pollUntil(
      async () => (await value.textContent()) ?? '',
      (text) => !text.includes('•'),
    );
  }

  const db = () => stack.db();

  beforeAll(() => {
    api = stack.api;
    client = stack.client;
    base = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  });

  it('the whole journey: sign in, create an application, keys, regenerate, webhook with headers, failed deliveries, retry', async () => {
    const workspace = await client.createWorkspace('Acme Verification');
    const as = client.as(workspace.apiToken);
    await as.post('/v1/applications', { name: 'Taken name', encryptionMethod: 'AES-256-GCM' }).expect(201);
    const page = await freshPage();

    // Sign in: the token is exchanged for an HttpOnly, SameSite=Strict cookie and kept nowhere.
    await page.goto('/console/');
    await page.getByLabel('API token').waitFor();
    await record(page, 'sign-in');
    await signIn(page, workspace.apiToken);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'aw_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.value).not.toContain(workspace.apiToken);
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    );
    expect(stored).not.toContain(workspace.apiToken);
    expect(page.url()).not.toContain(workspace.apiToken);
    await page.getByRole('link', { name: 'Taken name' }).waitFor();
    await record(page, 'applications');

    // Create: the API's validation errors appear under the field they name.
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('name must be 1 to 100 characters').waitFor();
    expect(await page.getByLabel('Application Name').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Application Name').fill('Taken name');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('An application named "Taken name" already exists in this workspace').waitFor();
    await page.getByLabel('Application Name').fill('KYC onboarding');
    await page.getByLabel('Description').fill('Identity checks for new customers');
    await page.getByLabel('Redirect URL').fill('not a url');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(/redirectUrl/).waitFor();
    expect(await page.getByLabel('Redirect URL').getAttribute('aria-invalid')).toBe('true');
    await record(page, 'create-application');
    await page.getByLabel('Redirect URL').fill('https://example.com/verified');
    await page.getByRole('radio', { name: 'AES-256-CBC' }).check();
    await page.getByLabel('Payload retention').fill('P7D');
    await page.getByLabel('Metadata retention').fill('P60D');
    await page.getByRole('button', { name: 'Save changes' }).click();

    // Keys appear once provisioning has finished (the page follows it by itself).
    await page.getByRole('heading', { name: 'KYC onboarding' }).waitFor();
    const cryptoKey = page.getByRole('region', { name: 'Crypto Key' });
    await cryptoKey.waitFor({ timeout: 30_000 });
    // Checked with a light button hovered: its text must hold its contrast on the hover background too.
    await cryptoKey.getByRole('button', { name: 'Regenerate' }).hover();
    await record(page, 'application-keys');
    const appId = page.url().split('/applications/')[1].split('/')[0];
    expect(appId).toMatch(/^app_/);
    // The Application ID is an identifier: in clear, with Copy; the keys stay masked until revealed.
    const idRegion = page.getByRole('region', { name: 'Application ID' });
    expect(await idRegion.getByTestId('identifier-value').textContent()).toBe(appId);
    await idRegion.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(appId);
    expect(await cryptoKey.getByTestId('secret-value').textContent()).toContain('•');
    expect((await as.get(`/v1/applications/${appId}`).expect(200)).body).toMatchObject({
      retention: 'P7D',
      metadataRetention: 'P60D',
    });
    const oldKey = await reveal(cryptoKey);
    await cryptoKey.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(oldKey);
    const privateKeyRegion = page.getByRole('region', { name: 'Private App Key' });
    const privateAppKey = await reveal(privateKeyRegion);
    expect(privateAppKey).toMatch(/^pak_test_/);

    // Regenerate the Crypto Key (no grace window): the old one stops working through the API.
    const envelopeWith = (key: string, version: number) =>
      encryptJson(
        { applicantId: 'appl_1' },
        'AES-256-CBC',
        { material: Buffer.from(key, 'base64'), version },
        appId,
      );
    const pak = client.as(privateAppKey);
    await pak
      .post(`/v1/applications/${appId}/events`, {
        eventType: 'APPLICANT_CREATED',
        encryptedData: envelopeWith(oldKey, 1),
      })
      .expect(202);
    await cryptoKey.getByRole('button', { name: 'Regenerate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate the Crypto Key?' });
    await dialog.getByRole('button', { name: 'Regenerate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: 'revoked' }).waitFor();
    const refused = await pak.post(`/v1/applications/${appId}/events`, {
      eventType: 'APPLICANT_CREATED',
      encryptedData: envelopeWith(oldKey, 1),
    });
    expect(refused.status).toBe(400);
    await cryptoKey.getByRole('button', { name: 'Reveal' }).click();
    await pollUntil(
      async () => cryptoKey.getByTestId('secret-value').textContent(),
      (v) => !!v && !v.includes('•'),
    );
    expect(await cryptoKey.getByTestId('secret-value').textContent()).not.toBe(oldKey);

    // A webhook with two custom headers, to a receiver that answers 500.
    const receiver = await receivers.start();
    receiver.answer({ status: 500, body: 'receiver is down' });
    await page.getByRole('tab', { name: 'Webhook', exact: true }).click();
    await page.getByRole('button', { name: 'Add notifications via webhook' }).click();
    const form = page.getByRole('dialog', { name: 'Add notifications via webhook' });
    await form.getByLabel('Webhook Name').fill('CRM');
    await form.getByLabel('Webhook URL').fill('ftp://example.com/hook');
    await form.getByRole('button', { name: 'Add response headers' }).click();
    await form.getByRole('button', { name: 'Add response headers' }).click();
    await form.getByRole('button', { name: 'Add response headers' }).click();
    await form.getByRole('button', { name: 'Remove header 3' }).click();
    await form.getByLabel('Key', { exact: true }).nth(0).fill('X-Tenant');
    await form.getByLabel('Value', { exact: true }).nth(0).fill('acme');
    await form.getByLabel('Key', { exact: true }).nth(1).fill('Webhook-Signature');
    await form.getByLabel('Value', { exact: true }).nth(1).fill('forged');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText(/url must/i).waitFor();
    await form.getByText('Webhook-Signature is set by the service and cannot be a custom header').waitFor();
    expect(await form.getByLabel('Key', { exact: true }).nth(1).getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Add response headers' }).hover();
    await record(page, 'webhook-form');
    await form.getByLabel('Webhook URL').fill(receiver.url);
    await form.getByLabel('Key', { exact: true }).nth(1).fill('X-Source');
    await form.getByLabel('Value', { exact: true }).nth(1).fill('applications-console');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: 'CRM', exact: true }).waitFor();
    await record(page, 'webhooks');
    // The test's one shortcut: a retry schedule of one second, so deliveries finally fail at once.
    const [webhook] = (await as.get(`/v1/applications/${appId}/webhooks`).expect(200)).body.items;
    await as
      .patch(`/v1/applications/${appId}/webhooks/${webhook.id}`, { retryPolicy: { schedule: ['PT1S'] } })
      .expect(200);

    // Events sent with the Private App Key fail, and show in the failed deliveries.
    const eventIds: string[] = [];
    for (const applicantId of ['appl_1', 'appl_2']) {
      const sent = await pak
        .post(`/v1/applications/${appId}/events`, {
          eventType: 'APPLICANT_COMPLETED',
          subject: applicantId,
          data: { applicantId },
        })
        .expect(202);
      eventIds.push(sent.body.eventId);
    }
    await page.getByRole('tab', { name: 'Failed Webhook Deliveries', exact: true }).click();
    const table = page.getByRole('table', { name: 'Failed Webhook Deliveries' });
    await pollUntil(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(500);
        return (await Promise.all(eventIds.map((id) => table.getByText(id).count()))).join();
      },
      (counts) => counts === '1,1',
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    for (const header of ['EVENT_ID', 'EVENT_TYPE', 'ERROR_MESSAGE']) {
      await table.getByRole('columnheader', { name: header }).waitFor();
    }
    const row = table.getByRole('row').filter({ hasText: eventIds[0] });
    await row.getByText('APPLICANT_COMPLETED').waitFor();
    await row.getByRole('cell', { name: 'appl_1', exact: true }).waitFor();
    expect(await row.textContent()).toMatch(/500/);
    await record(page, 'failed-deliveries');
    await row.getByRole('button', { name: `Open delivery of ${eventIds[0]}` }).click();
    const attempts = page.getByRole('table', { name: 'Attempts' });
    await attempts.getByText('receiver is down').first().waitFor();
    await record(page, 'delivery');
    await page.keyboard.press('Escape');

    // The receiver is fixed; Retry; the row turns to succeeded without a reload.
    receiver.answer({ status: 200 });
    await row.getByRole('button', { name: 'Retry' }).click();
    await row.getByRole('status').getByText('succeeded').waitFor({ timeout: 30_000 });
    const delivered = receiver.requests.find(
      (r) => r.headers['webhook-id'] === eventIds[0] && r.headers['x-tenant'],
    );
    expect(delivered?.headers).toMatchObject({ 'x-tenant': 'acme', 'x-source': 'applications-console' });

    // The webhook from its tab: a test event to it alone, its result shown; disabled and enabled again.
    await page.getByRole('tab', { name: 'Webhook', exact: true }).click();
    const webhookRow = page.getByRole('row').filter({ hasText: 'CRM' });
    await webhookRow.getByRole('button', { name: 'Send test event' }).click();
    await webhookRow.getByRole('status').getByText('Test event delivered (200)').waitFor({ timeout: 30_000 });
    expect(receiver.requests.some((r) => JSON.parse(r.body).type === 'WEBHOOK_TEST')).toBe(true);
    await webhookRow.getByRole('button', { name: 'Disable' }).click();
    await webhookRow.getByText('disabled', { exact: true }).waitFor();
    await webhookRow.getByRole('button', { name: 'Enable' }).click();
    await webhookRow.getByText('enabled', { exact: true }).waitFor();

    // The audit log shows the key reads and the rotation.
    await page.getByRole('tab', { name: 'Audit log', exact: true }).click();
    await page.getByRole('cell', { name: 'crypto_key.rotated' }).first().waitFor();
    await page.getByRole('cell', { name: 'credentials.read' }).first().waitFor();
    await record(page, 'audit-log');
  });

  it('manages webhooks, their signing secret, the key schedule, and the failed deliveries from the console', async () => {
    const { workspace, app, as } = await tenantWithApplication(client);
    const good = await receivers.start();
    const failing = await receivers.start();
    failing.answer({ status: 503, body: 'maintenance' });
    const page = await freshPage();
    await signIn(page, workspace.apiToken);
    await page.goto(`/console/applications/${app.id}/webhook`);

    // Add, edit.
    await page.getByRole('button', { name: 'Add notifications via webhook' }).click();
    const add = page.getByRole('dialog', { name: 'Add notifications via webhook' });
    await add.getByLabel('Webhook Name').fill('Billing');
    await add.getByLabel('Webhook URL').fill(good.url);
    await add.getByRole('checkbox', { name: 'APPLICANT_COMPLETED' }).check();
    await add.getByRole('button', { name: 'Save changes' }).click();
    const billing = page.getByRole('row').filter({ hasText: 'Billing' });
    await billing.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Billing' });
    await edit.getByLabel('Webhook Name').fill('Billing v2');
    await edit.getByRole('radio', { name: 'One at a time per subject' }).check();
    // A payload filter: refused with the API's words while wrong, then saved.
    await edit.getByLabel('Payload filter').fill('{ "score": { "$gtee": 50 } }');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText(/filter\.score\.\$gtee: unknown operator \$gtee/).waitFor();
    await edit.getByLabel('Payload filter').fill('{ "status": "approved", "score": { "$gte": 50 } }');
    // A rate limit: refused below 1 with the API's words, then saved.
    await edit.getByLabel('Rate limit').fill('0');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('rateLimit.count must be a whole number from 1 to 100000').waitFor();
    await edit.getByLabel('Rate limit').fill('5');
    await edit.getByLabel('Per', { exact: true }).selectOption('second');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('cell', { name: 'Billing v2', exact: true }).waitFor();
    await billing.getByText('One at a time per subject').waitFor();
    await billing.getByText('At most 5 per second').waitFor();
    const [stored] = (await as.get(`/v1/applications/${app.id}/webhooks`).expect(200)).body.items;
    expect(stored).toMatchObject({
      name: 'Billing v2',
      url: good.url,
      eventTypes: ['APPLICANT_COMPLETED'],
      ordering: 'subject',
      filter: { status: 'approved', score: { $gte: 50 } },
      rateLimit: { count: 5, per: 'second' },
    });

    // "Test filter": example data, matched or not, by the filter saved.
    await billing.getByRole('button', { name: 'Test filter' }).click();
    const tester = page.getByRole('dialog', { name: 'Test the filter of Billing v2' });
    const example = tester.getByLabel('Example event data');
    await example.fill('{ "status": "approved", "score": 72 }');
    await tester.getByRole('button', { name: 'Test filter' }).click();
    await tester.getByRole('status').getByText('Matches: this event would be delivered').waitFor();
    await record(page, 'filter-test');
    await example.fill('{ "status": "approved", "score": "72" }');
    await tester.getByRole('button', { name: 'Test filter' }).click();
    await tester.getByRole('status').getByText('No match: this event would not be delivered').waitFor();
    await page.keyboard.press('Escape');
    await tester.waitFor({ state: 'hidden' });

    // The signing secret: revealed, rotated (a new one shows).
    await billing.getByRole('button', { name: 'Signing secret' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Signing secret of Billing v2' });
    const secret = secretDialog.getByRole('region', { name: 'Signing secret' });
    await secret.waitFor();
    await record(page, 'signing-secret');
    const before = await reveal(secret);
    expect(before).toMatch(/^whsec_/);
    await secret.getByRole('button', { name: 'Rotate' }).click();
    await page
      .getByRole('dialog', { name: 'Rotate the signing secret?' })
      .getByRole('button', { name: 'Rotate' })
      .click();
    const after = await reveal(secret);
    expect(after).toMatch(/^whsec_/);
    expect(after).not.toBe(before);
    await page.keyboard.press('Escape');
    await secretDialog.waitFor({ state: 'hidden' });

    // The Crypto Key's rotation schedule: set, shown, stopped.
    await page.getByRole('tab', { name: 'Keys', exact: true }).click();
    await page.getByLabel('Rotate every').fill('30d');
    await page.getByLabel('Grace window').fill('1d');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText(/rotates every P30D \(grace window P1D\)/).waitFor();
    await page.getByRole('button', { name: 'Stop rotating' }).click();
    await page.getByText('The Crypto Key rotates only when you regenerate it.').waitFor();

    // Failed deliveries: filtered by event type, then recovered since a time for one webhook.
    const since = new Date(Date.now() - 60_000).toISOString().slice(0, 16);
    const broken = await addWebhook(as, app.id, {
      name: 'Warehouse',
      url: failing.url,
      retryPolicy: { schedule: ['PT1S'] },
    });
    const events = await Promise.all(
      ['APPLICANT_CREATED', 'APPLICANT_COMPLETED'].map((eventType) => sendEvent(as, app.id, { eventType })),
    );
    const aboutGone = await sendEvent(as, app.id, { eventType: 'APPLICANT_CREATED', subject: 'appl_gone' });
    await Promise.all(
      [...events, aboutGone].map((eventId) => finishedDelivery(as, app.id, eventId, broken.id)),
    );

    // Erasing a subject, confirmed, shows what the workflow did; its delivery says its payload is gone.
    await page.getByRole('tab', { name: 'Data', exact: true }).click();
    await page.getByText('Event payloads and receivers’ answers are kept P30D').waitFor();
    await page.getByLabel('Subject', { exact: true }).fill('appl_gone');
    await page.getByRole('button', { name: 'Erase', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Erase everything about appl_gone?' })
      .getByRole('button', { name: 'Erase' })
      .click();
    await page
      .getByRole('region', { name: 'Erase a subject' })
      .getByRole('status')
      .getByText(/appl_gone erased\. Payloads erased: 1;|Erasing appl_gone/)
      .waitFor();
    await record(page, 'subject-erasure');
    await pollUntil(
      async () => (await as.get(`/v1/applications/${app.id}/deliveries/${aboutGone}:${broken.id}`)).body,
      (delivery) => delivery.payloadErased === true,
    );
    await page.getByRole('tab', { name: 'Failed Webhook Deliveries', exact: true }).click();
    const table = page.getByRole('table', { name: 'Failed Webhook Deliveries' });
    await table.getByText(events[0]).waitFor();
    await table.getByText(events[1]).waitFor();
    await page.getByRole('combobox', { name: 'Event type' }).click();
    await page.getByRole('option', { name: 'APPLICANT_CREATED', exact: true }).click();
    await pollUntil(
      async () => (await Promise.all(events.map((id) => table.getByText(id).count()))).join(),
      (counts) => counts === '1,0',
    );
    await page.getByRole('button', { name: `Open delivery of ${aboutGone}` }).click();
    await page.getByRole('dialog', { name: 'Delivery' }).getByText('Its subject was erased').waitFor();
    await page.keyboard.press('Escape');
    failing.answer({ status: 200 });
    await page.getByRole('combobox', { name: 'Webhook to recover' }).click();
    await page.getByRole('option', { name: 'Warehouse', exact: true }).click();
    await page.getByLabel('Since', { exact: true }).fill(since);
    await page.getByRole('button', { name: 'Recover since' }).click();
    await page
      .getByRole('region', { name: 'Recover since' })
      .getByRole('status')
      .getByText(/2 retried, 1 skipped|under way/)
      .waitFor();
    // Replay missed, beside it: the webhook had every event, so nothing is sent again.
    await page.getByRole('button', { name: 'Replay missed' }).click();
    await page
      .getByRole('region', { name: 'Recover since' })
      .getByRole('status')
      .getByText(
        /0 missed events delivered now; 3 had a delivery, \d+ not taken by the webhook, 0 erased|Replay under way/,
      )
      .waitFor();
    await Promise.all(
      events.map((eventId) =>
        pollUntil(
          async () =>
            (await as.get(`/v1/applications/${app.id}/deliveries/${eventId}:${broken.id}`)).body.status,
          (status) => status === 'succeeded',
        ),
      ),
    );

    // Delete, confirmed.
    await page.getByRole('tab', { name: 'Webhook', exact: true }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'Billing v2' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page
      .getByRole('dialog', { name: 'Delete the webhook Billing v2?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await pollUntil(
      async () => page.getByRole('cell', { name: 'Billing v2', exact: true }).count(),
      (n) => n === 0,
    );
    await as.get(`/v1/applications/${app.id}/webhooks/${stored.id}`).expect(404);
  });

  it('signs out on the server: the old cookie opens nothing', async () => {
    const workspace = await client.createWorkspace('Signing out');
    const page = await freshPage();
    await signIn(page, workspace.apiToken);
    const [cookie] = await page.context().cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    const replayed = await page.request.get(`${base}/v1/console/session`, {
      headers: { cookie: `aw_session=${cookie.value}` },
    });
    expect(replayed.status()).toBe(401);
  });

  it('signing out leaves the application; signing in with another workspace lands on its Applications', async () => {
    const first = await tenantWithApplication(client);
    const second = await client.createWorkspace('Second workspace');
    const page = await freshPage();
    await signIn(page, first.workspace.apiToken);
    await page.goto(`/console/applications/${first.app.id}/webhook`);
    await page.getByRole('button', { name: 'Add notifications via webhook' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(page.url()).not.toContain(first.app.id);
    await signIn(page, second.apiToken);
    expect(new URL(page.url()).pathname).toBe('/console/applications');
    expect(await page.getByText(/No application/).count()).toBe(0);
  });

  it('an expired session leads back to sign-in, saying so', async () => {
    const workspace = await client.createWorkspace('Expiring');
    const page = await freshPage();
    await signIn(page, workspace.apiToken);
    const [cookie] = await page.context().cookies();
    expect(await expireNow(db(), 'console_sessions', cookie.value)).toBe(1);
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByLabel('Application Name').fill('After expiry');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your session has ended: sign in again').waitFor();
    await page.getByLabel('API token').waitFor();
    const listed = await client.as(workspace.apiToken).get('/v1/applications').expect(200);
    expect(listed.body.items).toHaveLength(0);
  });

  it('refuses a change that another origin makes with the cookie (CSRF), and changes nothing', async () => {
    const workspace = await client.createWorkspace('CSRF target');
    const app = await client.createApplication(workspace.apiToken, { name: 'Target' });
    const page = await freshPage();
    await signIn(page, workspace.apiToken);
    // Another port of the same host is the same site, so SameSite lets the cookie go: the Origin check must refuse.
    const attacker = await receivers.start();
    attacker.answer({
      status: 200,
      body: '<!doctype html><title>elsewhere</title>',
      headers: { 'content-type': 'text/html' },
    });
    await page.goto(attacker.url);
    const target = `${base}/v1/applications/${app.id}/private-app-key/regenerate`;
    await page.evaluate(
      (url) => fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include' }),
      target,
    );
    const fromElsewhere = await page.request.post(target, {
      headers: { origin: new URL(attacker.url).origin },
    });
    expect(fromElsewhere.status()).toBe(403);
    expect((await fromElsewhere.json()).code).toBe('CROSS_SITE_REQUEST');
    // The Private App Key is unchanged: it still authenticates.
    await client.as(app.credentials.privateAppKey).get(`/v1/applications/${app.id}`).expect(200);
  });

  it('a second workspace sees nothing of the first', async () => {
    const first = await client.createWorkspace('First');
    const firstApp = await client.createApplication(first.apiToken, { name: 'First’s secret project' });
    const second = await client.createWorkspace('Second');
    const page = await freshPage();
    await signIn(page, second.apiToken);
    await page.getByText('No test applications yet.').waitFor();
    expect(await page.getByText('First’s secret project').count()).toBe(0);
    await page.goto(`/console/applications/${firstApp.id}`);
    await page.getByText(`No application ${firstApp.id} in this workspace`).waitFor();
    const credentials = await page.request.get(`${base}/v1/applications/${firstApp.id}/credentials`);
    expect(credentials.status()).toBe(404);
  });

  it('a portal link opens one application, once, without its keys', async () => {
    const workspace = await client.createWorkspace('Platform');
    const as = client.as(workspace.apiToken);
    const shown = await client.createApplication(workspace.apiToken, { name: 'Customer portal app' });
    const other = await client.createApplication(workspace.apiToken, { name: 'Not for the customer' });
    const link = await as.post(`/v1/applications/${shown.id}/portal-sessions`, {}).expect(201);
    expect(link.body.url).toMatch(/\/console\/portal#code=/);
    const url = new URL(link.body.url);
    const page = await freshPage();
    await page.goto(`${url.pathname}${url.hash}`);
    await page
      .getByRole('heading', { name: 'Customer portal app' })
      .waitFor()
      .catch(async (err: Error) => {
        // What the page showed instead names the cause (an error from the API, the sign-in page, …).
        throw new Error(
          `${err.message}\nat ${page.url()} the page showed: ${await page.locator('body').innerText()}`,
        );
      });
    expect(page.url()).not.toContain('code=');
    expect(await page.getByRole('tab', { name: 'Webhook', exact: true }).getAttribute('aria-selected')).toBe(
      'true',
    );
    await page.getByRole('button', { name: 'Add notifications via webhook' }).waitFor();
    await page.getByRole('tab', { name: 'Keys', exact: true }).click();
    await page.getByText('This portal link does not show the application’s keys.').waitFor();
    expect(await page.getByRole('link', { name: 'Applications' }).count()).toBe(0);
    await record(page, 'portal');
    const outside = await Promise.all(
      [`/v1/applications`, `/v1/applications/${other.id}`, `/v1/applications/${shown.id}/credentials`].map(
        async (path) => (await page.request.get(`${base}${path}`)).status(),
      ),
    );
    expect(outside).toEqual([403, 403, 403]);
    expect((await page.request.get(`${base}/v1/applications/${shown.id}/webhooks`)).status()).toBe(200);
    // Used once: a second browser gets nothing.
    const again = await freshPage();
    await again.goto(`${url.pathname}${url.hash}`);
    await again.getByText('This portal link was used already or has expired: ask for a new one').waitFor();
  });

  it('no page has a serious or critical accessibility violation (axe-core), nor a script error', () => {
    expect(checked.sort()).toEqual(
      [
        'sign-in',
        'applications',
        'create-application',
        'application-keys',
        'webhook-form',
        'webhooks',
        'failed-deliveries',
        'delivery',
        'audit-log',
        'portal',
        'signing-secret',
        'filter-test',
        'subject-erasure',
      ].sort(),
    );
    expect(blocking(findings)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
