import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import { ApiError } from './errors.ts';
import type { components, operations, paths } from './schema.js';

export type Schemas = components['schemas'];
type FailedQuery = NonNullable<operations['WebhooksController_failed']['parameters']['query']>;
type ListQuery = NonNullable<operations['ApplicationsController_list']['parameters']['query']>;

export interface ClientOptions {
  /** Where the API is, without `/v1`: e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A workspace API token (`wst_…`), or an application's Private App Key (`pak_…`). */
  token: string;
  /** Tries in all for a request safe to repeat (reads, and sends under an idempotency key): 4. */
  attempts?: number;
  /** The first wait before trying again, doubled each time, with jitter: 250 ms. */
  retryDelayMs?: number;
  /** Another fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** An event to send: `data`, or `encryptedData` made with the application's Crypto Key. */
export type EventToSend = Omit<Schemas['CreateEventDto'], 'idempotencyKey'>;

/**
 * The API's client: typed from its OpenAPI document (schema.ts, generated), with what people call.
 * Every failure is an `ApiError` with the API's `code`. Requests safe to repeat — reads, and an
 * event or an application sent under its idempotency key (made here when not given) — are tried
 * again on network errors and 5xx, with backoff and jitter; a 4xx never is.
 */
export class Client {
  private readonly api: ReturnType<typeof createClient<paths>>;
  private readonly attempts: number;
  private readonly retryDelayMs: number;

  constructor(options: ClientOptions) {
    this.api = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${options.token}` },
      ...(options.fetch && { fetch: options.fetch }),
    });
    this.attempts = options.attempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 250;
  }

  readonly applications = {
    create: (
      body: Schemas['CreateApplicationDto'],
      { idempotencyKey = randomUUID() as string }: { idempotencyKey?: string } = {},
    ) =>
      this.send(
        () =>
          this.api.POST('/v1/applications', {
            params: { header: { 'idempotency-key': idempotencyKey } },
            body,
          }),
        true,
      ),
    get: (id: string) =>
      this.send(() => this.api.GET('/v1/applications/{id}', { params: { path: { id } } }), true),
    list: (query: ListQuery = {}) =>
      this.send(() => this.api.GET('/v1/applications', { params: { query } }), true),
    update: (id: string, body: Schemas['UpdateApplicationDto']) =>
      this.send(() => this.api.PATCH('/v1/applications/{id}', { params: { path: { id } }, body })),
    delete: (id: string) =>
      this.send(() => this.api.DELETE('/v1/applications/{id}', { params: { path: { id } } })),
    /** The application once provisioning has finished (its keys exist); polls until then. */
    whenActive: async (id: string, { timeoutMs = 60_000, intervalMs = 500 } = {}) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const application = await this.applications.get(id);
        if (application.status !== 'provisioning') return application;
        if (Date.now() > deadline) throw new ApiError(0, 'TIMEOUT', `application ${id} still provisioning`);
        await sleep(intervalMs);
      }
    },
  };

  readonly credentials = {
    /** The Application ID, Crypto Key and Private App Key (the API audits each read). */
    get: (applicationId: string) =>
      this.send(
        () => this.api.GET('/v1/applications/{id}/credentials', { params: { path: { id: applicationId } } }),
        true,
      ),
    /** A new Private App Key; the old one stops working at once. Returns the new key. */
    regeneratePrivateAppKey: (applicationId: string) =>
      this.send(() =>
        this.api.POST('/v1/applications/{id}/private-app-key/regenerate', {
          params: { path: { id: applicationId } },
        }),
      ),
    /** A new Crypto Key version; the previous one keeps decrypting for `graceWindow` (ISO 8601, e.g. PT24H). */
    rotateCryptoKey: (applicationId: string, { graceWindow }: { graceWindow?: string } = {}) =>
      this.send(() =>
        this.api.POST('/v1/applications/{id}/crypto-key/rotate', {
          params: { path: { id: applicationId } },
          body: graceWindow ? { graceWindow } : {},
        }),
      ),
  };

  readonly webhooks = {
    create: (appId: string, body: Schemas['CreateWebhookDto']) =>
      this.send(() =>
        this.api.POST('/v1/applications/{appId}/webhooks', { params: { path: { appId } }, body }),
      ),
    list: (appId: string) =>
      this.send(
        () => this.api.GET('/v1/applications/{appId}/webhooks', { params: { path: { appId } } }),
        true,
      ),
    get: (appId: string, id: string) =>
      this.send(
        () => this.api.GET('/v1/applications/{appId}/webhooks/{id}', { params: { path: { appId, id } } }),
        true,
      ),
    update: (appId: string, id: string, body: Schemas['UpdateWebhookDto']) =>
      this.send(() =>
        this.api.PATCH('/v1/applications/{appId}/webhooks/{id}', { params: { path: { appId, id } }, body }),
      ),
    delete: (appId: string, id: string) =>
      this.send(() =>
        this.api.DELETE('/v1/applications/{appId}/webhooks/{id}', { params: { path: { appId, id } } }),
      ),
    /** What its receivers verify with: `whsec_…`, or `whpk_…` for Ed25519. */
    secret: (appId: string, id: string) =>
      this.send(
        () =>
          this.api.GET('/v1/applications/{appId}/webhooks/{id}/secret', { params: { path: { appId, id } } }),
        true,
      ),
    test: (appId: string, id: string) =>
      this.send(() =>
        this.api.POST('/v1/applications/{appId}/webhooks/{id}/test', { params: { path: { appId, id } } }),
      ),
    recover: (appId: string, id: string, since: Date | string) =>
      this.send(() =>
        this.api.POST('/v1/applications/{appId}/webhooks/{id}/recover', {
          params: { path: { appId, id } },
          body: { since: iso(since) },
        }),
      ),
    replayMissed: (appId: string, id: string, since: Date | string, { includeBeforeCreation = false } = {}) =>
      this.send(() =>
        this.api.POST('/v1/applications/{appId}/webhooks/{id}/replay-missed', {
          params: { path: { appId, id } },
          body: { since: iso(since), includeBeforeCreation },
        }),
      ),
  };

  readonly events = {
    /**
     * Sends an event; 202 once durably accepted. The idempotency key (made here when not given)
     * makes a repeat the same event, delivered once: so it is tried again on network errors and 5xx.
     */
    send: (
      appId: string,
      event: EventToSend,
      { idempotencyKey = randomUUID() as string }: { idempotencyKey?: string } = {},
    ) =>
      this.send(
        () =>
          this.api.POST('/v1/applications/{appId}/events', {
            params: { path: { appId } },
            body: { ...event, idempotencyKey },
          }),
        true,
      ),
  };

  readonly deliveries = {
    get: (appId: string, deliveryId: string) =>
      this.send(
        () =>
          this.api.GET('/v1/applications/{appId}/deliveries/{deliveryId}', {
            params: { path: { appId, deliveryId } },
          }),
        true,
      ),
    retry: (appId: string, deliveryId: string) =>
      this.send(() =>
        this.api.POST('/v1/applications/{appId}/deliveries/{deliveryId}/retry', {
          params: { path: { appId, deliveryId } },
        }),
      ),
    /** Every failed delivery (EVENT_ID, EVENT_TYPE, ERROR_MESSAGE, …), newest first, a page at a time. */
    failed: (
      appId: string,
      query: Omit<FailedQuery, 'cursor'> = {},
    ): AsyncIterable<Schemas['FailedDeliveryView']> => {
      const page = (cursor?: string) =>
        this.send(
          () =>
            this.api.GET('/v1/applications/{appId}/webhooks/failed-deliveries', {
              params: { path: { appId }, query: { ...query, ...(cursor && { cursor }) } },
            }),
          true,
        );
      return {
        async *[Symbol.asyncIterator]() {
          for (let cursor: string | undefined; ;) {
            const { items, nextCursor } = await page(cursor);
            yield* items;
            if (!nextCursor) return;
            cursor = nextCursor;
          }
        },
      };
    },
  };

  /** One request: its data, or an ApiError; tried again when safe to repeat and worth it. */
  private async send<T>(
    request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
    repeatable = false,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let failure: ApiError;
      try {
        const { data, error, response } = await request();
        if (response.ok) return data as T;
        failure = ApiError.fromBody(response.status, error);
      } catch (err) {
        failure = new ApiError(0, 'NETWORK_ERROR', err instanceof Error ? err.message : String(err));
      }
      if (!repeatable || !failure.retryable || attempt >= this.attempts) throw failure;
      await sleep(this.retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    }
  }
}

const iso = (at: Date | string) => (typeof at === 'string' ? at : at.toISOString());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
