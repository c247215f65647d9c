#!/usr/bin/env node
/**
 * `aw`, the command line of the applications-and-webhooks service, on the SDK (libs/sdk): every
 * command prints for people, or JSON with `--json`; exit 0 ok, 1 failed, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import {
  ApiError,
  Client,
  Schemas,
  verifyWebhook,
  WebhookVerificationError,
} from '../../../libs/sdk/src/index.ts';
import { loadSettings, saveSettings, Settings } from './settings.ts';

const program = new Command('aw')
  .description('Applications and webhooks from the command line')
  .option('--json', 'print JSON, for scripts')
  .exitOverride();

const json = () => program.opts<{ json?: boolean }>().json === true;
const print = (value: unknown, human: () => string) =>
  process.stdout.write(`${json() ? JSON.stringify(value) : human()}\n`);
const client = () => {
  const settings = loadSettings();
  if (!settings.token) throw new UsageError('not logged in: run `aw login --token wst_…` or set AW_TOKEN');
  return new Client({ baseUrl: settings.baseUrl, token: settings.token });
};

class UsageError extends Error {}

program
  .command('login')
  .description('keep a workspace API token (or Private App Key) in your config directory, mode 0600')
  .requiredOption('--token <token>', 'wst_… or pak_…')
  .option('--base-url <url>', 'where the API is', process.env.AW_BASE_URL ?? 'http://127.0.0.1:3000')
  .action(async ({ token, baseUrl }: Required<Settings>) => {
    // Checked before it is kept: a token the API refuses is not saved.
    await new Client({ baseUrl, token }).applications.list({ limit: 1 });
    const file = saveSettings({ token, baseUrl });
    print({ saved: file }, () => `Logged in; token kept in ${file}`);
  });

const apps = program.command('apps').description('applications');
apps.command('list').action(async () => {
  const { items } = await client().applications.list({ limit: 100 });
  print(items, () =>
    table(
      ['ID', 'NAME', 'MODE', 'STATUS'],
      items.map((a) => [a.id, a.name, a.mode, a.status]),
    ),
  );
});
apps
  .command('create <name>')
  .option('--encryption <method>', 'AES-256-GCM or AES-256-CBC', 'AES-256-GCM')
  .option('--mode <mode>', 'test or live', 'test')
  .action(async (name: string, options: { encryption: string; mode: string }) => {
    const sdk = client();
    const created = await sdk.applications.create({
      name,
      encryptionMethod: options.encryption as 'AES-256-GCM',
      mode: options.mode as 'test',
    });
    const app = await progress('provisioning the keys', sdk.applications.whenActive(created.id));
    print(app, () => `${app.id}  ${app.name}  ${app.status}`);
  });
apps.command('show <id>').action(async (id: string) => {
  const app = await client().applications.get(id);
  print(app, () => fields(app));
});

apps
  .command('delete <id>')
  .option('--yes', 'do not ask for confirmation')
  .action(async (id: string, { yes }: { yes?: boolean }) => {
    await confirm(`Delete application ${id}, its keys, webhooks and deliveries?`, yes);
    await client().applications.delete(id);
    print({ deleted: id }, () => `deleted ${id}`);
  });

const keys = program.command('keys').description("an application's keys");
keys.command('show <appId>').action(async (appId: string) => {
  const credentials = await client().credentials.get(appId);
  print(credentials, () => fields(credentials));
});

keys
  .command('regenerate <appId>')
  .description(
    'a new Private App Key (the old one stops working at once), or with --crypto-key a new Crypto Key version',
  )
  .option('--crypto-key', 'rotate the Crypto Key instead')
  .option(
    '--grace-window <duration>',
    'with --crypto-key: how long the previous version still decrypts (ISO 8601, e.g. PT24H)',
  )
  .option('--yes', 'do not ask for confirmation')
  .action(async (appId: string, o: { cryptoKey?: boolean; graceWindow?: string; yes?: boolean }) => {
    const sdk = client();
    if (o.cryptoKey) {
      await confirm(
        `Rotate the Crypto Key of ${appId}? The previous version ${o.graceWindow ? `decrypts for ${o.graceWindow} more` : 'stops decrypting at once'}.`,
        o.yes,
      );
      const rotation = await progress(
        'rotating the Crypto Key',
        sdk.credentials.rotateCryptoKey(appId, { graceWindow: o.graceWindow }),
      );
      print(rotation, () =>
        rotation.newVersion
          ? `Crypto Key version ${rotation.newVersion} is current (was ${rotation.previousVersion})`
          : `rotation running: ${rotation.workflowId}`,
      );
      return;
    }
    await confirm(`Regenerate the Private App Key of ${appId}? The old key stops working at once.`, o.yes);
    const regenerated = await sdk.credentials.regeneratePrivateAppKey(appId);
    print(regenerated, () => `privateAppKey: ${regenerated.privateAppKey}`);
  });

const webhooks = program.command('webhooks').description("an application's webhooks");
webhooks.command('list <appId>').action(async (appId: string) => {
  const { items } = await client().webhooks.list(appId);
  print(items, () =>
    table(
      ['ID', 'NAME', 'URL', 'ENABLED'],
      items.map((w) => [w.id, w.name, w.url, String(w.enabled)]),
    ),
  );
});
webhooks
  .command('add <appId> <url>')
  .option('--name <name>', 'its name', 'webhook')
  .option('--event-types <types>', 'comma-separated (default: every type)')
  .option('--ed25519', 'sign with Ed25519 (receivers verify with a whpk_ key)')
  .action(async (appId: string, url: string, o: { name: string; eventTypes?: string; ed25519?: boolean }) => {
    const webhook = await client().webhooks.create(appId, {
      name: o.name,
      url,
      ...(o.eventTypes && { eventTypes: o.eventTypes.split(',') as 'APPLICANT_COMPLETED'[] }),
      ...(o.ed25519 && { signature: 'ed25519' as const }),
    });
    print(webhook, () => `${webhook.id}  ${webhook.url}\nsecret: ${webhook.secret}`);
  });
webhooks.command('test <appId> <webhookId>').action(async (appId: string, webhookId: string) => {
  const sent = await client().webhooks.test(appId, webhookId);
  print(sent, () => `test event ${sent.eventId} sent (delivery ${sent.deliveryId})`);
});

program
  .command('events')
  .description('events')
  .command('send <appId>')
  .requiredOption('--type <eventType>', 'e.g. APPLICANT_COMPLETED')
  .option('--data <file>', "the event's data, JSON (- or absent: standard input)")
  .option('--subject <subject>', 'who it is about')
  .option('--idempotency-key <key>', 'the same key sends the same event once')
  .action(
    async (appId: string, o: { type: string; data?: string; subject?: string; idempotencyKey?: string }) => {
      const text = readFileSync(o.data && o.data !== '-' ? o.data : 0, 'utf8');
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new UsageError('the data is not JSON');
      }
      const accepted = await client().events.send(
        appId,
        { eventType: o.type as 'APPLICANT_COMPLETED', data, ...(o.subject && { subject: o.subject }) },
        o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {},
      );
      print(accepted, () => `accepted ${accepted.eventId}`);
    },
  );

const failed = program.command('failed').description('failed webhook deliveries');
failed.command('list <appId>').action(async (appId: string) => {
  const rows: Schemas['FailedDeliveryView'][] = [];
  for await (const row of client().deliveries.failed(appId)) rows.push(row);
  print(rows, () =>
    table(
      ['EVENT_ID', 'EVENT_TYPE', 'ERROR_MESSAGE'],
      rows.map((r) => [r.eventId, r.eventType, r.errorMessage]),
    ),
  );
});

failed
  .command('retry <appId> <deliveryIds...>')
  .description('deliver again, each as a new series of attempts')
  .action(async (appId: string, deliveryIds: string[]) => {
    const sdk = client();
    const retried: Schemas['RetryResponse'][] = [];
    for (const id of deliveryIds) retried.push(await sdk.deliveries.retry(appId, id));
    print(retried, () => retried.map((r) => `retrying ${r.deliveryId} (series ${r.series})`).join('\n'));
  });
failed
  .command('recover <appId> <webhookId>')
  .description('retry every failed delivery of a webhook whose last attempt is since a time')
  .requiredOption('--since <when>', 'an ISO 8601 time, or a time ago: 30m, 6h, 2d')
  .action(async (appId: string, webhookId: string, { since }: { since: string }) => {
    const recovery = await progress(
      'recovering',
      client().webhooks.recover(appId, webhookId, parseSince(since)),
    );
    print(recovery, () =>
      recovery.retried === undefined
        ? `recovery running: ${recovery.workflowId}`
        : `retried ${recovery.retried}, skipped ${recovery.skipped ?? 0}${recovery.stopped ? ` (stopped: ${recovery.stopped})` : ''}`,
    );
  });

program
  .command('receive')
  .description('a local receiver: verifies each delivery (whsec_ or whpk_) and prints it')
  .requiredOption('--port <port>', 'where to listen (127.0.0.1)')
  .requiredOption('--secret <secret>', "the webhook's whsec_… secret or whpk_… key")
  .action(({ port, secret }: { port: string; secret: string }) => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const event = verifyWebhook(req.headers as Record<string, string>, body, secret) as {
            id: string;
            type: string;
          };
          res.writeHead(204).end();
          print({ verified: true, event }, () => `verified ${event.id} ${event.type} ${body}`);
        } catch (err) {
          const reason = err instanceof WebhookVerificationError ? err.message : 'not JSON';
          res.writeHead(400).end(reason);
          print({ verified: false, reason }, () => `refused: ${reason}`);
        }
      });
    });
    server.listen(Number(port), '127.0.0.1', () => {
      if (!json()) process.stderr.write(`listening on http://127.0.0.1:${port}/\n`);
    });
    return new Promise<void>((resolve) => process.once('SIGTERM', () => server.close(() => resolve())));
  });

/** A time given as ISO 8601 or as a time ago (`30m`, `6h`, `2d`). */
function parseSince(text: string): Date {
  const ago = /^(\d+)([smhd])$/.exec(text);
  if (ago) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's'];
    return new Date(Date.now() - Number(ago[1]) * unit);
  }
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime()))
    throw new UsageError(`--since: "${text}" is neither an ISO 8601 time nor a time ago like 30m, 6h, 2d`);
  return at;
}

/** Asks on a terminal; elsewhere (a script) only --yes goes on, so nothing is changed unasked. */
async function confirm(question: string, yes?: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new UsageError(`${question} Not on a terminal: pass --yes to go on`);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} [y/N] `).finally(() => prompt.close());
  if (!/^y(es)?$/i.test(answer.trim())) throw new Error('not confirmed: nothing changed');
}

/** A spinner on standard error while it waits, on a terminal only (quiet in scripts and with --json). */
async function progress<T>(label: string, work: Promise<T>): Promise<T> {
  if (json() || !process.stderr.isTTY) return work;
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let frame = 0;
  const timer = setInterval(
    () => process.stderr.write(`\r${frames[frame++ % frames.length]} ${label}…`),
    100,
  );
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stderr.write('\r\x1b[2K');
  }
}

/** One `name: value` line per field, nested values as JSON. */
function fields(record: object): string {
  return Object.entries(record)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => String(c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  const usage = err instanceof UsageError;
  const message =
    err instanceof ApiError
      ? `${err.code}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  process.stderr.write(
    `${json() ? JSON.stringify({ error: message, ...(err instanceof ApiError && { code: err.code }) }) : `error: ${message}`}\n`,
  );
  process.exit(usage ? 2 : 1);
});
