import { createHash } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { getGlobalDispatcher } from 'undici';
import { encryptJsonText } from '../../libs/crypto/envelope';
import { JSON_BODY_LIMIT_BYTES, MAX_JSON_DEPTH } from '../../libs/http/json-limits';
import { DeliverySequenceWorkflow } from '../../libs/temporal/contracts/delivery-sequence.contract';
import { TEMPORAL_CLIENT } from '../../libs/temporal/temporal-client.module';
import { WorkflowStarter } from '../../libs/temporal/workflow-starter';
import { EventSealing } from '../../libs/webhooks/event-data';
import { ApiClient } from '../support/api-client';
import { useStack } from '../support/stack';
import {
  bodyBytes,
  DANGEROUS_KEYS,
  hasNulAnywhere,
  hasKeyAnywhere,
  hasNonFinite,
  headerValue,
  INVALID_DATES,
  jsonDepth,
  jsonText,
  keyName,
  objectText,
  transport,
  urlCase,
  VALID_DATES,
} from '../support/fuzz-inputs';
import { pollUntil } from '../support/poll';
import { rawRequest } from '../support/raw-http';
import { addWebhook, sendEvent, tenantWithApplication } from '../support/webhooks';

/**
 * Property-based fuzzing of every route, as an attacker sends it: raw JSON text and bytes, every
 * content type and encoding, dangerous key names, odd numbers, deep nesting, date-shaped non-dates,
 * URLs in every notation, forged cursors. Oracles: never a 5xx; a refused request changes nothing;
 * what must be refused is (a tag the generator set, not the rule under test re-derived); what is
 * accepted is kept as sent (event data byte for byte after re-serialising, URLs normalised, header
 * values HTTP can carry). FUZZ_RUNS sets the cases per property: 40 in `npm test` (keeping the
 * whole run inside its 7 minutes), 600 in `npm run test:fuzz`.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** A property's time: up to a second a case (two for the doubled ones), on a loaded machine. */
const TIMEOUT_MS = 60_000 + RUNS * 2_000;
/** One case in this many also compares the whole database before and after (it reads every document). */
const SNAPSHOT_EVERY = 10;
/** The database commands that write. */
const WRITE_COMMANDS = new Set([
  'insert',
  'update',
  'delete',
  'findAndModify',
  'create',
  'createIndexes',
  'drop',
  'dropDatabase',
  'dropIndexes',
  'renameCollection',
]);

/** One field's value as JSON text, and why the whole request must be refused because of it, if it must. */
interface FieldValue {
  text: string;
  refuse?: string;
  /** Refused only where the SSRF guard is on. */
  refuseGuarded?: string;
}
const plain = (text: string): FieldValue => ({ text });
const anyJson = jsonText.map(plain);
const str = (s: string) => JSON.stringify(s);

const urlValue = fc.oneof(
  urlCase.map((c): FieldValue => ({
    text: str(c.url),
    refuse: c.malformed ? `malformed URL ${JSON.stringify(c.url)}` : undefined,
    refuseGuarded: c.nonPublic ? `non-public URL ${c.url}` : undefined,
  })),
  anyJson,
);
/** A webhook's URL: a fragment is refused too (HTTP never sends it); a redirect URL may keep one. */
const webhookUrlValue = fc.oneof(
  urlValue,
  fc
    .constantFrom(
      'https://example.com/hooks#part',
      'https://example.com/hooks#',
      'https://example.com/#/a?b=1',
    )
    .map((url): FieldValue => ({ text: str(url), refuse: `webhook URL with a fragment ${url}` })),
);
const redirectUrlValue = fc.oneof(urlValue, fc.constant(plain(str('https://example.com/done#/verified'))));
/** A `since`: a real instant in the past, or refused (not an instant, or in the future). */
const sinceValue = fc.oneof(
  fc.constantFrom(...INVALID_DATES).map((d): FieldValue => ({ text: str(d), refuse: `invalid date ${d}` })),
  fc.constantFrom(...VALID_DATES).map((d) => plain(str(d))),
  fc
    .constantFrom('2999-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z')
    .map((d): FieldValue => ({ text: str(d), refuse: `since in the future ${d}` })),
  anyJson,
);
const headersValue = fc.oneof(
  fc
    .array(fc.tuple(fc.constantFrom('X-Tenant', 'X-Trace', 'X-Other'), headerValue), { maxLength: 3 })
    .map((pairs): FieldValue => {
      const unique = [...new Map(pairs).entries()];
      const bad = unique.find(([, v]) => !/^([\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?)?$/.test(v));
      return {
        text: JSON.stringify(unique.map(([key, value]) => ({ key, value }))),
        refuse: bad ? `header value ${JSON.stringify(bad[1])} HTTP cannot carry` : undefined,
      };
    }),
  anyJson,
);
/** Event data: an object of any members (dangerous names too) — opaque, so kept as sent. */
const dataValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(fc.tuple(keyName, jsonText), { maxLength: 5 }).map((m) => plain(objectText(m))),
  },
  { weight: 1, arbitrary: anyJson },
);

/**
 * Subjects: ordinary IDs, and dots alone, which a URL resolves away (`…/subjects/..` is the
 * application): those must be refused wherever a subject is taken.
 */
const subjectValue = fc.oneof(
  fc
    .constantFrom('.', '..', '...', '....')
    .map((d): FieldValue => ({ text: str(d), refuse: `dot subject ${d}` })),
  fc.stringMatching(/^[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,20}$/).map((d) => plain(str(d))),
  anyJson,
);

/**
 * Payload filters: valid ones from a small grammar, and each kind the filter's rules refuse
 * (unknown operators, operands of the wrong type, empty or reserved path parts, operators inside
 * values, nesting past five levels), besides any JSON.
 */
const filterValue = fc.oneof(
  fc
    .constantFrom(
      '{"status":"approved"}',
      '{"score":{"$gte":50},"status":{"$in":["approved","review"]}}',
      '{"$or":[{"a":1},{"b.c":{"$in":["x",null]}}]}',
      '{"a":{"$not":{"$exists":true}}}',
      'null',
    )
    .map(plain),
  fc
    .constantFrom('$regexx', '$where', '$expr', '$function', '$regex', '$elemMatch')
    .map((op): FieldValue => ({ text: `{"a":{"${op}":1}}`, refuse: `unknown filter operator ${op}` })),
  fc
    .constantFrom(
      '{"a":{"$gte":true}}',
      '{"a":{"$in":"x"}}',
      '{"a":{"$exists":1}}',
      '{"a..b":1}',
      '{"$and":[]}',
      '{"a":{"$gt":1,"b":2}}',
      '{"a.toString":1}',
      '{"a":{"$eq":{"$gt":1}}}',
      '["a"]',
    )
    .map((text): FieldValue => ({ text, refuse: `invalid filter ${text}` })),
  fc.integer({ min: 6, max: 20 }).map((n): FieldValue => ({
    text: `${'{"$not":'.repeat(n)}{"a":1}${'}'.repeat(n)}`,
    refuse: 'filter too deep',
  })),
  anyJson,
);

/** Signature schemes: the two there are, and names close to them, which are refused. */
const signatureValue = fc.oneof(
  fc.constantFrom('hmac-sha256', 'ed25519').map((v) => plain(str(v))),
  fc
    .constantFrom('HMAC-SHA256', 'ed448', 'rsa', 'hmac-sha512', 'v1a', '')
    .map((v): FieldValue => ({ text: str(v), refuse: `invalid signature ${v}` })),
  anyJson,
);

/** Rate limits: valid ones, and each kind refused (counts out of range or not whole, unknown periods, parts missing). */
const rateLimitValue = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('second', 'minute'))
    .map(([count, per]) => plain(`{"count":${count},"per":"${per}"}`)),
  fc.constant(plain('null')),
  fc
    .constantFrom(
      '{"count":0,"per":"second"}',
      '{"count":-5,"per":"minute"}',
      '{"count":1.5,"per":"second"}',
      '{"count":"5","per":"second"}',
      '{"count":100001,"per":"second"}',
      '{"count":5,"per":"hour"}',
      '{"count":5,"per":"seconds"}',
      '{"count":5}',
      '{"per":"second"}',
      '{"count":5,"per":"second","burst":10}',
      '[5,"second"]',
      '5',
    )
    .map((text): FieldValue => ({ text, refuse: `invalid rate limit ${text}` })),
  anyJson,
);

/** Hostile values of a webhook's fields, for creating and for changing one alike. */
const webhookGenerators = {
  url: webhookUrlValue,
  headers: headersValue,
  filter: filterValue,
  signature: signatureValue,
  rateLimit: rateLimitValue,
};

/** The webhook every case's events go to. */
const FIXED_WEBHOOK = {
  url: 'http://127.0.0.1:9/hook',
  retryPolicy: { maximumAttempts: 1 },
  eventTypes: ['APPLICANT_COMPLETED'],
};

interface BodyRoute {
  name: string;
  method: 'post' | 'patch' | 'put';
  path: () => string;
  /** Whose token goes in Authorization; `console`: none needed, sent with the console's Origin. */
  who: 'operator' | 'workspace' | 'console';
  /** The fields a valid body must have. */
  required: string[];
  /** Every field the route knows, with a valid value (JSON text) where the fuzzer can make one. */
  fields: Record<string, string | fc.Arbitrary<string> | null>;
  /** Hostile values of a field beyond any JSON (URLs, dates, headers); any JSON otherwise. */
  generators?: Record<string, fc.Arbitrary<FieldValue>>;
}

/**
 * A body for a route: each field absent (when it may be), valid or hostile; in one case in four,
 * members the route does not know; in one in ten, no object at all. Weighted so that a good share
 * is accepted, or the oracles for what is kept would not run.
 */
function routeBody(route: BodyRoute) {
  const known = Object.keys(route.fields);
  const field = (key: string): fc.Arbitrary<FieldValue | undefined> => {
    const valid = route.fields[key];
    const validValue = typeof valid === 'string' ? fc.constant(valid) : valid;
    const required = route.required.includes(key);
    return fc.oneof(
      ...(required ? [] : [{ weight: validValue ? 3 : 6, arbitrary: fc.constant(undefined) }]),
      ...(validValue ? [{ weight: required ? 6 : 3, arbitrary: validValue.map(plain) }] : []),
      { weight: 2, arbitrary: route.generators?.[key] ?? anyJson },
    );
  };
  return fc
    .tuple(
      fc.tuple(...known.map(field)),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant<[string, FieldValue][]>([]) },
        { weight: 1, arbitrary: fc.array(fc.tuple(keyName, anyJson), { minLength: 1, maxLength: 2 }) },
      ),
      fc.nat(9),
      anyJson,
    )
    .map(([values, extra, shape, lone]) => {
      if (shape === 0) return { text: lone.text, members: [], unknown: [], lone: true };
      const own = known.flatMap((k, i) => (values[i] ? [[k, values[i]] as [string, FieldValue]] : []));
      const members = [...own, ...extra];
      const unknown = extra.map(([k]) => k).filter((k) => !known.includes(k));
      return { text: objectText(members.map(([k, v]) => [k, v.text])), members, unknown, lone: false };
    });
}

describe('fuzzing every route', () => {
  const monitored = { MONGODB_MONITOR_COMMANDS: 'true' };
  const stack = useStack({ api: monitored });
  // A second API, which refuses private webhook targets (the first allows loopback receivers).
  const guardedStack = useStack({
    api: { ...monitored, WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false' },
    worker: false,
  });
  let api: NestExpressApplication;
  let guardedApi: NestExpressApplication;
  let token: string;
  let appId: string;
  let webhookId: string;
  let guardedToken: string;
  let guardedAppId: string;
  const cursors: Record<string, string> = {};
  let cases = 0;
  let serverErrors = 0;
  let keptAsSent = 0;
  /** The data each accepted event was first sent with. */
  const firstData = new Map<string, string>();
  const refusedFor: Record<string, number> = {};
  let refusedSnapshots = 0;

  /**
   * What each app has done that a refused request must not: database writes its connection sent
   * (the driver's command events) and workflows it started. Counted per request, these judge every
   * refused case in O(1); the full snapshot below judges one case in SNAPSHOT_EVERY as well.
   */
  const effects = new Map<NestExpressApplication, number>();
  const watchEffects = (app: NestExpressApplication) => {
    effects.set(app, 0);
    const bump = () => effects.set(app, effects.get(app)! + 1);
    app
      .get<Connection>(getConnectionToken())
      .getClient()
      .on('commandStarted', (event) => {
        if (WRITE_COMMANDS.has(event.commandName)) bump();
      });
    const starter = app.get(WorkflowStarter);
    const start = starter.start.bind(starter);
    Object.assign(starter, {
      // Counted once started: an attempt Temporal refused (already running) started nothing.
      start: async (...args: Parameters<typeof start>) => {
        const handle = await start(...args);
        bump();
        return handle;
      },
    });
  };

  beforeAll(async () => {
    api = stack.api;
    guardedApi = guardedStack.api;
    watchEffects(api);
    watchEffects(guardedApi);
    const client = new ApiClient(api);
    const tenant = await tenantWithApplication(client);
    token = tenant.workspace.apiToken;
    appId = tenant.app.id;
    // One attempt to a closed port and no retries: deliveries fail at once, and accepted
    // requests' background writes end soon (see settled). Only the type the fuzz sends: the
    // events a rotation raises would pile up failed deliveries for every recovery to retry.
    webhookId = (await addWebhook(tenant.as, appId, FIXED_WEBHOOK)).id;
    // Two more applications and two failed deliveries, so each list has a real next-page cursor.
    await client.createApplication(token, { name: 'second' });
    await client.createApplication(token, { name: 'third' });
    await sendEvent(tenant.as, appId);
    await sendEvent(tenant.as, appId);
    await pollUntil(
      () => tenant.as.get(`/v1/applications/${appId}/webhooks/failed-deliveries`),
      (r) => r.status === 200 && r.body.items.length >= 2,
      { timeoutMs: 45_000 },
    );
    for (const [list, path] of [
      ['applications', '/v1/applications'],
      ['deliveries', `/v1/applications/${appId}/deliveries`],
      ['failed', `/v1/applications/${appId}/webhooks/failed-deliveries`],
    ]) {
      cursors[list] = (await tenant.as.get(`${path}?limit=1`)).body.nextCursor;
      if (!cursors[list]) throw new Error(`no cursor for ${list}`);
    }
    const guarded = await tenantWithApplication(new ApiClient(guardedApi));
    guardedToken = guarded.workspace.apiToken;
    guardedAppId = guarded.app.id;
  });

  /**
   * Webhooks a property created, or the fixed one's retry policy changed, would go on retrying in
   * the background and write between a later request's snapshots: undo them after each property.
   */
  afterEach(async () => {
    const as = new ApiClient(api).as(token);
    const { body } = await as.get(`/v1/applications/${appId}/webhooks`).expect(200);
    for (const { id } of body.items as { id: string }[])
      if (id !== webhookId) await as.delete(`/v1/applications/${appId}/webhooks/${id}`).expect(204);
    await as
      .patch(`/v1/applications/${appId}/webhooks/${webhookId}`, {
        ...FIXED_WEBHOOK,
        enabled: true,
        headers: [],
      })
      .expect(200);
    writesPending = true;
    await settled(api);
  });

  afterAll(async () => {
    process.stdout.write(
      `fuzz: ${cases} cases, ${serverErrors} answered 5xx, ${keptAsSent} accepted and checked as kept, ` +
        `${refusedCases} refused without a write or a workflow start (${refusedSnapshots} of them also by a whole-database snapshot); ` +
        `refused as they must be: ${JSON.stringify(refusedFor)}; ` +
        `longest wait for background workflows: ${longestWorkflowWait} ms\n`,
    );
  });

  const snapshot = async (app: NestExpressApplication) => {
    const db = app.get<Connection>(getConnectionToken()).db!;
    const hash = createHash('sha256');
    for (const { name } of (await db.listCollections().toArray()).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      hash.update(name + JSON.stringify(await db.collection(name).find({}).sort({ _id: 1 }).toArray()));
    }
    return hash.digest('hex');
  };

  /**
   * An accepted request may go on writing after its answer (a rotation raises an event, whose
   * dispatch and delivery write), through workflows on this file's task queue: wait until none
   * runs, then until two snapshots agree, before judging the next request. (A quiet spell alone
   * was not enough: on a loaded machine a workflow's next step came after it and wrote.)
   */
  let writesPending = false;
  let longestWorkflowWait = 0;
  /** The last snapshot of each app's database, good until a request is accepted (deleted then). */
  const known = new Map<NestExpressApplication, string>();
  const settled = async (app: NestExpressApplication) => {
    if (!writesPending && known.has(app)) return known.get(app)!;
    if (writesPending) await noWorkflowRunning(app);
    let last = await snapshot(app);
    for (let i = 0; writesPending && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await snapshot(app);
      if (now === last) writesPending = false;
      last = now;
    }
    if (writesPending) throw new Error('the database kept changing for 10 s after every workflow ended');
    known.set(app, last);
    return last;
  };
  /**
   * Sequences of ordered webhooks wait a minute idle before they end, writing nothing more; every
   * other workflow a request starts (or a workflow it starts starts) ends within seconds here.
   */
  const noWorkflowRunning = async (app: NestExpressApplication) => {
    const query =
      `TaskQueue = "${process.env.TEMPORAL_TASK_QUEUE}" AND ExecutionStatus = "Running" ` +
      `AND WorkflowType != "${DeliverySequenceWorkflow.name}"`;
    const running = async () => {
      const found: string[] = [];
      for await (const w of app.get<Client>(TEMPORAL_CLIENT).workflow.list({ query }))
        found.push(`${w.type} ${w.workflowId}`);
      return found;
    };
    const since = Date.now();
    await pollUntil(running, (found) => found.length === 0, { timeoutMs: 30_000 });
    longestWorkflowWait = Math.max(longestWorkflowWait, Date.now() - since);
  };

  interface Call {
    app?: NestExpressApplication;
    method: string;
    path: string;
    auth: string;
    body?: Buffer;
    headers?: Record<string, string>;
  }
  interface Answer {
    status: number;
    body: Record<string, unknown>;
  }

  /** Sends one raw request; fails on a 5xx, on a refusal that changed data, on an error without a code. */
  let refusedCases = 0;
  const send = async ({ app = api, method, path, auth, body, headers = {} }: Call): Promise<Answer> => {
    const deep = cases % SNAPSHOT_EVERY === 0;
    const before = deep ? await settled(app) : undefined;
    const effectsBefore = effects.get(app)!;
    // The path goes out as written: a URL parser would resolve `%2E%2E` segments first.
    const res = await getGlobalDispatcher().request({
      origin: await app.getUrl(),
      path,
      method: method.toUpperCase() as 'POST',
      headers: { authorization: `Bearer ${auth}`, ...headers },
      body,
    });
    const text = await res.body.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // Judged below: an error must be JSON.
    }
    cases++;
    const what = `${method.toUpperCase()} ${path} ${JSON.stringify(headers)} ${body?.toString('utf8').slice(0, 300)}`;
    if (res.statusCode >= 500) serverErrors++;
    if (res.statusCode >= 500) throw new Error(`${what} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    // A read writes, if at all, before it answers (an audit record): one fresh snapshot will do.
    // Anything else may go on writing in the background.
    if (res.statusCode < 400 && method === 'get') known.delete(app);
    else if (res.statusCode < 400) writesPending = true;
    else {
      expect(json).toMatchObject({
        statusCode: res.statusCode,
        code: expect.any(String),
        message: expect.any(String),
      });
      if (effects.get(app) !== effectsBefore)
        throw new Error(`${what} was refused (${res.statusCode}) but wrote or started a workflow`);
      refusedCases++;
      if (deep) {
        const after = await snapshot(app);
        if (after !== before)
          throw new Error(`${what} was refused (${res.statusCode}) but changed the database`);
        known.set(app, after);
        refusedSnapshots++;
      }
    }
    return { status: res.statusCode, body: json };
  };

  /** Asserts the request was refused with the status the generator expected, and counts why. */
  const mustRefuse = (answer: Answer, why: string, status?: number) => {
    if (status ? answer.status !== status : answer.status < 400)
      throw new Error(
        `must be refused${status ? ` with ${status}` : ''} (${why}) but answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    const reason = why.split(' ')[0];
    refusedFor[reason] = (refusedFor[reason] ?? 0) + 1;
  };

  const json = (s: string) => JSON.parse(s) as Record<string, unknown>;

  const bodyRoutes: BodyRoute[] = [
    {
      name: 'workspaces',
      method: 'post',
      path: () => '/v1/workspaces',
      who: 'operator',
      required: ['name'],
      fields: { name: str('fuzz workspace') },
    },
    {
      name: 'applications',
      method: 'post',
      path: () => '/v1/applications',
      who: 'workspace',
      required: ['name', 'encryptionMethod'],
      fields: {
        name: fc.uuid().map((u) => str(`fuzz ${u}`)),
        encryptionMethod: str('AES-256-GCM'),
        description: str('an application'),
        redirectUrl: str('https://example.com/done'),
        mode: str('test'),
        cryptoKeyRotation: '{"every":"P30D"}',
        encryptWebhooks: 'false',
      },
      generators: { redirectUrl: redirectUrlValue },
    },
    {
      name: 'application',
      method: 'patch',
      path: () => `/v1/applications/${appId}`,
      who: 'workspace',
      required: [],
      fields: {
        description: str('changed'),
        name: fc.uuid().map((u) => str(`renamed ${u}`)),
        redirectUrl: str('https://example.com/done'),
        encryptionMethod: str('AES-256-GCM'),
        cryptoKeyRotation: 'null',
        encryptWebhooks: 'false',
      },
      generators: { redirectUrl: redirectUrlValue },
    },
    {
      name: 'rotate',
      method: 'post',
      path: () => `/v1/applications/${appId}/crypto-key/rotate`,
      who: 'workspace',
      required: [],
      fields: { graceWindow: str('PT0S') },
    },
    {
      name: 'schedule',
      method: 'put',
      path: () => `/v1/applications/${appId}/crypto-key/rotation-schedule`,
      who: 'workspace',
      required: ['every'],
      fields: { every: str('P30D'), graceWindow: str('P1D') },
    },
    {
      name: 'webhooks',
      method: 'post',
      path: () => `/v1/applications/${appId}/webhooks`,
      who: 'workspace',
      required: ['name', 'url'],
      fields: {
        name: str('fuzz hook'),
        url: str('http://127.0.0.1:9/hook'),
        headers: '[{"key":"X-Tenant","value":"acme"}]',
        eventTypes: '["APPLICANT_COMPLETED"]',
        enabled: 'false',
        retryPolicy: '{"maximumAttempts":1}',
        filter: '{"status":"approved"}',
        signature: str('ed25519'),
        rateLimit: '{"count":5,"per":"second"}',
      },
      generators: webhookGenerators,
    },
    {
      name: 'webhook',
      method: 'patch',
      path: () => `/v1/applications/${appId}/webhooks/${webhookId}`,
      who: 'workspace',
      required: [],
      fields: {
        name: str('renamed'),
        url: str('http://127.0.0.1:9/other'),
        headers: '[]',
        eventTypes: '["APPLICANT_COMPLETED"]',
        enabled: 'true',
        retryPolicy: '{"maximumAttempts":1}',
        filter: 'null',
        signature: str('hmac-sha256'),
        rateLimit: 'null',
      },
      generators: webhookGenerators,
    },
    {
      name: 'filter test',
      method: 'post',
      path: () => `/v1/applications/${appId}/webhooks/${webhookId}/filter-test`,
      who: 'workspace',
      required: ['data'],
      fields: { data: '{"status":"approved","score":72}' },
      generators: { data: dataValue },
    },
    {
      name: 'secret rotate',
      method: 'post',
      path: () => `/v1/applications/${appId}/webhooks/${webhookId}/secret/rotate`,
      who: 'workspace',
      required: [],
      fields: { overlap: str('PT1H') },
    },
    {
      name: 'recover',
      method: 'post',
      path: () => `/v1/applications/${appId}/webhooks/${webhookId}/recover`,
      who: 'workspace',
      required: ['since'],
      fields: { since: str('2026-01-01T00:00:00Z') },
      generators: { since: sinceValue },
    },
    {
      name: 'replay missed',
      method: 'post',
      path: () => `/v1/applications/${appId}/webhooks/${webhookId}/replay-missed`,
      who: 'workspace',
      required: ['since'],
      fields: { since: str('2026-01-01T00:00:00Z'), includeBeforeCreation: 'true' },
      generators: { since: sinceValue },
    },
    {
      name: 'portal sessions',
      method: 'post',
      path: () => `/v1/applications/${appId}/portal-sessions`,
      who: 'workspace',
      required: [],
      fields: { linkExpiresIn: str('PT10M'), sessionDuration: str('PT1H'), showKeys: 'false' },
    },
    {
      name: 'console session',
      method: 'post',
      path: () => '/v1/console/session',
      who: 'console',
      required: [],
      fields: { token: fc.constant(null).map(() => str(token)), portalCode: null },
    },
    {
      name: 'events',
      method: 'post',
      path: () => `/v1/applications/${appId}/events`,
      who: 'workspace',
      required: ['eventType'],
      fields: {
        eventType: str('APPLICANT_COMPLETED'),
        data: '{"applicantId":"appl_1"}',
        // Unique, or a repeated key would answer the first event's ID for other data.
        idempotencyKey: fc.uuid().map(str),
        subject: str('appl_42'),
        encryptedData: null,
      },
      generators: { data: dataValue, subject: subjectValue },
    },
  ];

  /** The event as the worker stored it, its data opened: what every delivery of it carries. */
  const storedEventData = async (eventId: string) => {
    const db = api.get<Connection>(getConnectionToken()).db!;
    const event = await pollUntil(
      () =>
        db
          .collection<{ _id: string; applicationId: string; subject?: string; data: unknown }>(
            'webhook_events',
          )
          .findOne({ _id: eventId }),
      (e) => e !== null,
      { timeoutMs: 20_000 },
    );
    // Opened as the worker opens it: under the subject's data key when it names one.
    return (await api.get(EventSealing).open(event!))!.data;
  };

  it.each(bodyRoutes.map((r) => [r.method, r.name, r] as const))(
    '%s %s: any body, any transport',
    async (_m, _n, route) => {
      const auth = route.who === 'operator' ? process.env.ADMIN_TOKEN! : token;
      const input = routeBody(route).chain((body) =>
        fc.tuple(fc.constant(body), bodyBytes(body.text), transport),
      );
      await fc.assert(
        fc.asyncProperty(input, async ([body, { bytes, invalidUtf8 }, how]) => {
          const answer = await send({
            method: route.method,
            path: route.path(),
            auth,
            body: how.encode(bytes),
            headers: {
              ...(route.who === 'console' ? { origin: await api.getUrl() } : {}),
              ...(how.contentType !== undefined ? { 'content-type': how.contentType } : {}),
              ...(how.contentEncoding ? { 'content-encoding': how.contentEncoding } : {}),
            },
          });
          if (how.expect)
            return mustRefuse(
              answer,
              `transport ${how.contentType} ${how.contentEncoding ?? ''}`,
              how.expect,
            );
          if (invalidUtf8) return mustRefuse(answer, 'utf8 invalid bytes', 400);
          if (jsonDepth(body.text) > MAX_JSON_DEPTH) return mustRefuse(answer, 'depth beyond the limit');
          let parsed: unknown;
          try {
            parsed = JSON.parse(body.text);
          } catch {
            return mustRefuse(answer, 'malformed JSON', 400);
          }
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            return mustRefuse(answer, 'shape not an object');
          if (hasNonFinite(parsed)) return mustRefuse(answer, 'number beyond a double');
          if (body.lone) return;
          if (body.unknown.length > 0) return mustRefuse(answer, `unknown field ${body.unknown.join(', ')}`);
          const structured = { ...(parsed as Record<string, unknown>) };
          // Event data is opaque, kept as sent (keys of any name), wherever it is taken.
          if (route.name === 'events' || route.name === 'filter test') delete structured.data;
          if (hasKeyAnywhere(structured, DANGEROUS_KEYS))
            return mustRefuse(answer, 'dangerous key outside opaque data');
          if (hasNulAnywhere(structured)) return mustRefuse(answer, 'nul character outside opaque data');
          // A key given twice counts as JSON.parse reads it: the last one.
          const bad = [...new Map(body.members).values()].find((v) => v.refuse);
          if (bad) return mustRefuse(answer, bad.refuse!);
          if (answer.status >= 400) return;
          // Accepted: kept as sent.
          const sent = parsed as Record<string, unknown>;
          for (const field of ['url', 'redirectUrl'] as const) {
            if (typeof sent[field] !== 'string' || answer.body[field] === undefined) continue;
            const shown = answer.body[field] as string;
            expect(shown).toBe(new URL(sent[field] as string).href);
            // eslint-disable-next-line no-control-regex -- control characters are what it looks for
            expect(shown).not.toMatch(/[\s\u0000-\u001f\u007f]/);
            keptAsSent++;
          }
          if (sent.rateLimit !== undefined && answer.body.rateLimit !== undefined) {
            expect(answer.body.rateLimit).toEqual(sent.rateLimit);
            keptAsSent++;
          }
          if (route.name === 'events' && answer.status === 202) {
            // A repeated idempotency key (shrinking repeats them) is the first event, with its data.
            const eventId = answer.body.eventId as string;
            if (!firstData.has(eventId)) firstData.set(eventId, JSON.stringify(sent.data ?? null));
            expect(JSON.stringify(await storedEventData(eventId))).toBe(firstData.get(eventId));
            keptAsSent++;
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'webhook URLs with the SSRF guard on: every notation of a non-public address is refused',
    async () => {
      await fc.assert(
        fc.asyncProperty(urlCase, fc.boolean(), async (c, patch) => {
          const path = `/v1/applications/${guardedAppId}/webhooks`;
          const body = Buffer.from(JSON.stringify({ name: 'guarded', url: c.url }));
          const headers = { 'content-type': 'application/json' };
          if (!patch) {
            const answer = await send({
              app: guardedApi,
              method: 'post',
              path,
              auth: guardedToken,
              body,
              headers,
            });
            if (c.malformed || c.nonPublic) mustRefuse(answer, `ssrf ${c.url}`, 400);
            return;
          }
          const created = await send({
            app: guardedApi,
            method: 'post',
            path,
            auth: guardedToken,
            body: Buffer.from(JSON.stringify({ name: 'guarded', url: 'https://93.184.215.14/hook' })),
            headers,
          });
          expect(created.status).toBe(201);
          const answer = await send({
            app: guardedApi,
            method: 'patch',
            path: `${path}/${created.body.id as string}`,
            auth: guardedToken,
            body: Buffer.from(JSON.stringify({ url: c.url })),
            headers,
          });
          if (c.malformed || c.nonPublic) mustRefuse(answer, `ssrf ${c.url}`, 400);
          // An application has a bounded number of webhooks: give this one's place back.
          const deleted = await send({
            app: guardedApi,
            method: 'delete',
            path: `${path}/${created.body.id as string}`,
            auth: guardedToken,
          });
          expect(deleted.status).toBe(204);
        }),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT_MS,
  );

  const queryLists = [
    ['applications', () => '/v1/applications', ['mode', 'limit', 'cursor']],
    [
      'deliveries',
      () => `/v1/applications/${appId}/deliveries`,
      ['status', 'eventType', 'webhookId', 'limit', 'cursor'],
    ],
    [
      'failed',
      () => `/v1/applications/${appId}/webhooks/failed-deliveries`,
      ['eventType', 'webhookId', 'from', 'to', 'limit', 'cursor'],
    ],
  ] as const;

  it.each(queryLists)(
    'GET %s: any query',
    async (_list, path, keys) => {
      const value = fc.oneof(
        fc.string({ maxLength: 40 }).map(plain),
        fc.constantFrom('0', '-1', '101', '1e3', 'garbage').map(plain),
        // Whole numbers in other notations, which Number() would read; and decimal ones.
        fc.constantFrom('0x10', '1e1', ' 5', '5 ', '5.0', '+5', '５', '1', '020', '100').map(plain),
        fc.constantFrom(...VALID_DATES).map(plain),
        fc.constantFrom(...INVALID_DATES).map((d): FieldValue => ({ text: d, refuse: `invalid date ${d}` })),
      );
      const query = fc.tuple(
        fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] }) as fc.Arbitrary<
          Record<string, FieldValue>
        >,
        fc.array(
          fc.tuple(fc.constantFrom(...DANGEROUS_KEYS, 'unknown', '$where'), fc.string({ maxLength: 8 })),
          { maxLength: 2 },
        ),
      );
      await fc.assert(
        fc.asyncProperty(query, async ([own, extra]) => {
          const pairs: [string, string][] = [
            ...Object.entries(own).map(([k, v]): [string, string] => [k, v.text]),
            ...extra,
          ];
          const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const answer = await send({ method: 'get', path: `${path()}?${qs}`, auth: token });
          const known = keys as readonly string[];
          if (extra.length > 0) return mustRefuse(answer, `unknown query parameter ${extra[0][0]}`, 400);
          const bad = Object.entries(own).find(([k, v]) => v.refuse && (k === 'from' || k === 'to'));
          if (bad && known.includes(bad[0])) return mustRefuse(answer, bad[1].refuse!, 400);
          // A page size is 1 to 100 written in decimal digits, nothing else.
          const limit = own.limit?.text;
          if (limit !== undefined && !(/^[0-9]+$/.test(limit) && +limit >= 1 && +limit <= 100))
            return mustRefuse(answer, `limit ${JSON.stringify(limit)}`, 400);
          // A time range ends after it starts.
          const [from, to] = [own.from, own.to].map((v) => (v && !v.refuse ? Date.parse(v.text) : NaN));
          if (known.includes('to') && to <= from) return mustRefuse(answer, 'range inverted', 400);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'cursors: a forged, tampered or foreign cursor is refused; a genuine one pages on',
    async () => {
      const paths: Record<string, () => string> = {
        applications: () => '/v1/applications',
        deliveries: () => `/v1/applications/${appId}/deliveries`,
        failed: () => `/v1/applications/${appId}/webhooks/failed-deliveries`,
      };
      const lists = Object.keys(paths);
      const b64 = (s: string) => Buffer.from(s).toString('base64url');
      const cursorCase = fc.oneof(
        fc
          .tuple(fc.constantFrom(...lists), fc.constantFrom(...lists))
          .map(([from, to]) => ({ to, cursor: cursors[from], genuine: from === to })),
        fc
          .tuple(fc.constantFrom(...lists), fc.nat(), fc.constantFrom('A', 'B', '-', '_'))
          .map(([list, n, ch]) => {
            const c = cursors[list];
            const at = n % c.length;
            const tampered = c.slice(0, at) + (c[at] === ch ? 'Z' : ch) + c.slice(at + 1);
            return { to: list, cursor: tampered, genuine: tampered === c };
          }),
        fc
          .tuple(
            fc.constantFrom(...lists),
            fc.constantFrom(...VALID_DATES, ...INVALID_DATES, 'x'),
            fc.constantFrom('app_x', 'evt_a:wh_b', '', '|||'),
          )
          .map(([list, at, id]) => ({
            to: list,
            cursor: b64(`${at}|${id}`),
            genuine: false,
          })),
        fc
          .tuple(fc.constantFrom(...lists), fc.string({ maxLength: 60 }))
          .map(([list, s]) => ({ to: list, cursor: s, genuine: false })),
      );
      await fc.assert(
        fc.asyncProperty(cursorCase, async ({ to, cursor, genuine }) => {
          const answer = await send({
            method: 'get',
            path: `${paths[to]()}?limit=1&cursor=${encodeURIComponent(cursor)}`,
            auth: token,
          });
          if (genuine) expect(answer.status).toBe(200);
          else mustRefuse(answer, 'cursor not issued for this list', 400);
        }),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT_MS,
  );

  /** A path segment as sent: dots encoded too, or the client would resolve `..` before sending. */
  const segmentOf = (s: string) => encodeURIComponent(s).replace(/\./g, '%2E');

  it.each([
    ['get', 'application', (s: string) => `/v1/applications/${s}`],
    ['get', 'credentials', (s: string) => `/v1/applications/${s}/credentials`],
    ['get', 'webhook', (s: string) => `/v1/applications/${appId}/webhooks/${s}`],
    ['get', 'delivery', (s: string) => `/v1/applications/${appId}/deliveries/${s}`],
    ['post', 'delivery retry', (s: string) => `/v1/applications/${appId}/deliveries/${s}/retry`],
    ['delete', 'webhook', (s: string) => `/v1/applications/${appId}/webhooks/${s}`],
  ] as const)(
    '%s %s: any path parameter',
    async (method, _, path) => {
      const segment = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.constantFrom(
          'app_',
          'wh_',
          'evt_x:wh_y',
          '..',
          '%2e%2e',
          '__proto__',
          'constructor',
          'app_' + 'a'.repeat(60),
        ),
      );
      await fc.assert(
        fc.asyncProperty(segment, (s) =>
          send({ method, path: path(segmentOf(s)), auth: token }).then(() => undefined),
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a route that takes no body or no query: any that says something is refused',
    async () => {
      // Real resources: a request let through would act (send a test, regenerate the key).
      const routes = [
        { method: 'post', path: () => `/v1/applications/${appId}/webhooks/${webhookId}/test`, part: 'body' },
        { method: 'post', path: () => `/v1/applications/${appId}/private-app-key/regenerate`, part: 'body' },
        { method: 'post', path: () => `/v1/applications/${appId}/webhooks/${webhookId}/test`, part: 'query' },
        { method: 'get', path: () => `/v1/applications/${appId}`, part: 'query' },
        { method: 'get', path: () => `/v1/applications/${appId}/webhooks/${webhookId}`, part: 'query' },
      ] as const;
      const fields = fc.dictionary(
        fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom(...DANGEROUS_KEYS, 'eventType')),
        fc.jsonValue({ maxDepth: 2 }),
        { minKeys: 1, maxKeys: 3 },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), fields, async (route, given) => {
          const answer =
            route.part === 'body'
              ? await send({
                  method: route.method,
                  path: route.path(),
                  auth: token,
                  // Written member by member: an object would take a `__proto__` member as its prototype.
                  body: Buffer.from(
                    `{${Object.entries(given).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)}}`,
                  ),
                  headers: { 'content-type': 'application/json' },
                })
              : await send({
                  method: route.method,
                  path: `${route.path()}?${new URLSearchParams(Object.entries(given).map(([k, v]): [string, string] => [k, JSON.stringify(v)]))}`,
                  auth: token,
                });
          mustRefuse(answer, `undeclared ${route.part}`, 400);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'event data sealed as encryptedData is judged exactly as the same data sent plain',
    async () => {
      // The current key: other properties rotate it.
      const { body: credentials } = await new ApiClient(api)
        .as(token)
        .get(`/v1/applications/${appId}/credentials`)
        .expect(200);
      // That read wrote its audit record: the next snapshot is a fresh one.
      known.delete(api);
      const key = {
        material: Buffer.from(credentials.cryptoKey, 'base64'),
        version: credentials.cryptoKeyVersion,
      };
      await fc.assert(
        fc.asyncProperty(dataValue, async ({ text }) => {
          const path = `/v1/applications/${appId}/events`;
          const headers = { 'content-type': 'application/json' };
          const plainAnswer = await send({
            method: 'post',
            path,
            auth: token,
            body: Buffer.from(`{"eventType":"APPLICANT_COMPLETED","data":${text}}`),
            headers,
          });
          const sealed = encryptJsonText(text, 'AES-256-GCM', key, appId);
          const sealedBody = Buffer.from(
            JSON.stringify({ eventType: 'APPLICANT_COMPLETED', encryptedData: sealed }),
          );
          const sealedAnswer = await send({ method: 'post', path, auth: token, body: sealedBody, headers });
          // Sealed, the same data is a third larger (base64): past the body's limit, size is what is judged.
          if (sealedBody.length > JSON_BODY_LIMIT_BYTES)
            return mustRefuse(sealedAnswer, 'sealed too large', 413);
          // One rule for one payload: both accepted, or both refused for the same reason.
          expect([sealedAnswer.status, sealedAnswer.body.code]).toEqual([
            plainAnswer.status,
            plainAnswer.body.code,
          ]);
          if (sealedAnswer.status >= 400) mustRefuse(sealedAnswer, 'sealed like plain');
          else keptAsSent++;
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a declared body past the limit is answered 413 at once, whatever the route, and the connection closed',
    async () => {
      const { port } = new URL(await api.getUrl());
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...bodyRoutes),
          fc.integer({ min: JSON_BODY_LIMIT_BYTES + 1, max: 2 ** 40 }),
          async (route, declared) => {
            const started = Date.now();
            const answer = await rawRequest(
              Number(port),
              `${route.method.toUpperCase()} ${route.path()} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
                `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
                `Content-Length: ${declared}\r\n\r\n{"name":"${'x'.repeat(500)}`,
            );
            expect(answer).toMatch(/^HTTP\/1\.1 413 /);
            expect(Date.now() - started).toBeLessThan(3_000);
            cases++;
            refusedFor.declared = (refusedFor.declared ?? 0) + 1;
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'the same change sent several times at once: never a 5xx, only the documented answers',
    async () => {
      const changes = [
        { path: () => `/v1/applications/${appId}/private-app-key/regenerate`, ok: [200], conflicts: [] },
        {
          path: () => `/v1/applications/${appId}/webhooks/${webhookId}/secret/rotate`,
          ok: [200],
          conflicts: [],
        },
        {
          path: () => `/v1/applications/${appId}/crypto-key/rotate`,
          ok: [202],
          conflicts: ['ROTATION_IN_PROGRESS'],
        },
      ];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...changes), fc.integer({ min: 2, max: 10 }), async (change, n) => {
          // Not through send(): with several at once, no one request's effects can be told apart.
          const origin = await api.getUrl();
          const answers = await Promise.all(
            Array.from({ length: n }, async () => {
              const res = await getGlobalDispatcher().request({
                origin,
                path: change.path(),
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body: '{}',
              });
              const text = await res.body.text();
              cases++;
              if (res.statusCode >= 500) serverErrors++;
              return { status: res.statusCode, body: JSON.parse(text) as Record<string, unknown> };
            }),
          );
          // The others' effects land while later cases snapshot: let them settle first.
          writesPending = true;
          for (const answer of answers) {
            if (change.ok.includes(answer.status)) continue;
            expect([answer.status, change.conflicts.includes(answer.body.code as string)]).toEqual([
              409,
              true,
            ]);
          }
        }),
        { numRuns: Math.ceil(RUNS / 4) },
      );
    },
    TIMEOUT_MS,
  );

  it('a body on a route that takes none is refused unless it is JSON', async () => {
    const answer = await send({
      method: 'post',
      path: `/v1/applications/${appId}/deliveries/evt_x:${webhookId}/retry`,
      auth: token,
      body: Buffer.from('a=1'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    mustRefuse(answer, 'transport form body', 415);
    expect(json(JSON.stringify(answer.body)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
