import { Injectable } from '@nestjs/common';
import { Context } from '@temporalio/activity';
import { Client } from '@temporalio/client';
import { Environment } from '../libs/config/environment';
import { CredentialsService } from '../libs/credentials/credentials.service';
import { MasterKeyring } from '../libs/crypto/master-keyring';
import { parseDuration } from '../libs/domain/duration';
import { DeliveryInProgressError, EndpointDisabledError } from '../libs/domain/errors';
import type {
  AttemptOutcome,
  DeliveryInput,
  DispatchEventInput,
  RecoveryBatch,
} from '../libs/domain/webhooks';
import { ApplicationsRepository } from '../libs/persistence/repositories/applications.repository';
import { WebhookAttemptsRepository } from '../libs/persistence/repositories/webhook-attempts.repository';
import {
  deliveryIdOf,
  WebhookDeliveriesRepository,
} from '../libs/persistence/repositories/webhook-deliveries.repository';
import { WebhookEndpointsRepository } from '../libs/persistence/repositories/webhook-endpoints.repository';
import { WebhookEventsRepository } from '../libs/persistence/repositories/webhook-events.repository';
import type { WebhookAttempt } from '../libs/persistence/schemas/webhook-attempt.schema';
import type { WebhookEndpoint } from '../libs/persistence/schemas/webhook-endpoint.schema';
import { withHeartbeats } from '../libs/temporal/heartbeat';
import { InjectTemporalClient } from '../libs/temporal/temporal-client.module';
import { OperationalEvent, raiseOperationalEvent } from '../libs/temporal/webhook-workflows';
import { DeliveriesService, deliveryInput } from '../libs/webhooks/deliveries.service';
import { openEventData, sealEventData } from '../libs/webhooks/event-data';
import { postWebhook } from '../libs/webhooks/http-delivery';
import { webhookBody, webhookRequestHeaders } from '../libs/webhooks/webhook-request';
import { WebhookSecretsService } from '../libs/webhooks/webhook-secrets.service';

export interface AttemptRequest {
  deliveryId: string;
  series: number;
  attempt: number;
  /** ISO 8601, the workflow's time: when the schedule said this attempt was due. */
  scheduledAt: string;
  /** No retry follows a failure of this attempt. */
  isLast: boolean;
}

const RECOVERY_BATCH = 100;
const skipped: AttemptOutcome = { result: 'skipped', statusCode: null, error: null, retryAfterMs: null };

/** What a recorded attempt came to, for an activity replayed after it had recorded it. */
function outcomeOf(attempt: WebhookAttempt): AttemptOutcome {
  return {
    result: attempt.succeeded ? 'succeeded' : attempt.statusCode === 410 ? 'stopped' : 'failed',
    statusCode: attempt.statusCode,
    error: attempt.error,
    retryAfterMs: null,
  };
}

/** How a delivery ends after an attempt with this outcome, or undefined while retries remain. */
function deliveryEndedBy(outcome: AttemptOutcome, isLast: boolean): 'succeeded' | 'failed' | undefined {
  if (outcome.result === 'succeeded') return 'succeeded';
  return outcome.result === 'stopped' || isLast ? 'failed' : undefined;
}

/** The side effects of webhooks: recording events, opening deliveries, and making attempts. */
@Injectable()
export class WebhooksActivities {
  constructor(
    private readonly env: Environment,
    @InjectTemporalClient() private readonly temporal: Client,
    private readonly applications: ApplicationsRepository,
    private readonly credentials: CredentialsService,
    private readonly events: WebhookEventsRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly secrets: WebhookSecretsService,
    private readonly deliveriesService: DeliveriesService,
    private readonly keyring: MasterKeyring,
  ) {}

  async recordEvent(input: DispatchEventInput): Promise<void> {
    await this.events.record({
      _id: input.eventId,
      applicationId: input.applicationId,
      eventType: input.eventType,
      occurredAt: new Date(input.occurredAt),
      data: input.sealedData ?? sealEventData(this.keyring, input.eventId, input.data),
    });
  }

  /** Records the event and opens its deliveries (the dispatch workflow's one local activity). */
  async acceptEvent(input: DispatchEventInput): Promise<DeliveryInput[]> {
    await this.recordEvent(input);
    return this.openDeliveries({
      eventId: input.eventId,
      eventType: input.eventType,
      applicationId: input.applicationId,
      excludeEndpointIds: input.excludeEndpointIds ?? [],
    });
  }

  /** One delivery per enabled endpoint that wants the event, each opened once for good. */
  async openDeliveries(event: {
    eventId: string;
    eventType: string;
    applicationId: string;
    excludeEndpointIds: string[];
  }): Promise<DeliveryInput[]> {
    const subscribed = await this.endpoints.listSubscribed(
      event.applicationId,
      event.eventType,
      event.excludeEndpointIds,
    );
    const opened = new Set(
      await this.deliveries.open(
        { eventId: event.eventId, eventType: event.eventType, applicationId: event.applicationId },
        subscribed.map((e) => e._id),
      ),
    );
    return subscribed
      .filter((endpoint) => opened.has(endpoint._id))
      .map((endpoint) =>
        deliveryInput({ ...event, _id: deliveryIdOf(event.eventId, endpoint._id) }, endpoint, 1),
      );
  }

  /** Raises an operational event (WEBHOOK_ENDPOINT_DISABLED, APPLICATION_CRYPTO_KEY_ROTATED). */
  async raiseEvent(event: OperationalEvent): Promise<void> {
    await raiseOperationalEvent(this.temporal, this.env.TEMPORAL_TASK_QUEUE, this.keyring, event);
  }

  /**
   * One attempt: builds, signs and POSTs the request, records the attempt (once), and keeps the
   * endpoint's health. Throws only for infrastructure trouble, which Temporal retries.
   */
  attemptDelivery(req: AttemptRequest): Promise<AttemptOutcome> {
    return withHeartbeats(() => this.#attempt(req));
  }

  async #attempt(req: AttemptRequest): Promise<AttemptOutcome> {
    // Only a retried activity can find its attempt already recorded (the first execution cannot).
    if (Context.current().info.attempt > 1) {
      const recorded = await this.attempts.find(req.deliveryId, req.series, req.attempt);
      if (recorded) {
        // Made and recorded before the crash: finish its bookkeeping (idempotent), never POST twice.
        const outcome = outcomeOf(recorded);
        const { statusCode, error, startedAt } = recorded;
        await this.deliveries.recordAttempt(
          req.deliveryId,
          req.series,
          { number: req.attempt, at: startedAt, statusCode, error },
          deliveryEndedBy(outcome, req.isLast),
        );
        return outcome;
      }
    }

    const delivery = await this.deliveries.findById(req.deliveryId);
    if (!delivery || delivery.series !== req.series || delivery.status !== 'pending') return skipped;
    const [event, endpoint, application] = await Promise.all([
      this.events.findById(delivery.eventId),
      this.endpoints.findById(delivery.endpointId),
      this.applications.findById(delivery.applicationId),
    ]);
    if (!event || !endpoint?.enabled || application?.status !== 'active') {
      await this.deliveries.finish(req.deliveryId, req.series, 'cancelled');
      return skipped;
    }

    const now = new Date();
    const data = openEventData(this.keyring, event);
    const body = webhookBody({
      id: event._id,
      type: event.eventType,
      occurredAt: event.occurredAt,
      applicationId: event.applicationId,
      ...(application.encryptWebhooks
        ? { encryptedData: await this.credentials.encrypt(application, data) }
        : { data }),
    });
    const custom =
      endpoint.headers.length > 0 ? await this.secrets.headerValues(endpoint._id, endpoint.headers) : {};
    const headers = webhookRequestHeaders(custom, {
      secrets: await this.secrets.signingSecrets(endpoint._id, now),
      id: event._id,
      timestampSeconds: Math.floor(now.getTime() / 1000),
      body,
    });
    const result = await postWebhook({
      url: endpoint.url,
      headers,
      body,
      timeoutMs: this.env.WEBHOOK_TIMEOUT_MS,
      allowPrivateTargets: this.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS,
    });

    const succeeded = result.error === null;
    await this.attempts.record({
      deliveryId: delivery._id,
      applicationId: delivery.applicationId,
      endpointId: endpoint._id,
      series: req.series,
      attempt: req.attempt,
      scheduledAt: new Date(req.scheduledAt),
      startedAt: now,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      responseBody: result.responseBody,
      error: result.error,
      succeeded,
    });

    const stop =
      !succeeded &&
      (result.statusCode === 410
        ? await this.#disable(endpoint, 'the receiver answered 410 Gone', req)
        : await this.#noteFailure(endpoint, now, req));
    const outcome: AttemptOutcome = succeeded
      ? { result: 'succeeded', statusCode: result.statusCode, error: null, retryAfterMs: null }
      : {
          result: stop ? 'stopped' : 'failed',
          statusCode: result.statusCode,
          error: result.error,
          retryAfterMs: result.retryAfterMs,
        };
    await this.deliveries.recordAttempt(
      delivery._id,
      req.series,
      { number: req.attempt, at: now, statusCode: result.statusCode, error: result.error },
      deliveryEndedBy(outcome, req.isLast),
    );
    // The endpoint's health changes only when it was failing: no write per success otherwise.
    if (succeeded && endpoint.failingSince) await this.endpoints.recordSuccess(endpoint._id, now);
    return outcome;
  }

  async cancelDelivery({ deliveryId, series }: { deliveryId: string; series: number }): Promise<void> {
    await this.deliveries.finish(deliveryId, series, 'cancelled');
  }

  /**
   * Retries the next batch of failed deliveries of an endpoint since a time; lastId null when done.
   * A delivery retried meanwhile by someone else is skipped; an endpoint disabled or deleted
   * meanwhile ends the recovery (`stopped` says why): neither is a failure to retry.
   */
  async retryFailedDeliveries(input: {
    applicationId: string;
    endpointId: string;
    since: string;
    afterId: string;
  }): Promise<RecoveryBatch> {
    const ids = await this.deliveries.failedSince(
      input.endpointId,
      new Date(input.since),
      input.afterId,
      RECOVERY_BATCH,
    );
    const batch: RecoveryBatch = {
      retried: 0,
      skipped: 0,
      lastId: ids.length === RECOVERY_BATCH ? ids[ids.length - 1] : null,
    };
    for (const id of ids) {
      const delivery = await this.deliveries.findById(id);
      if (delivery?.status !== 'failed') {
        batch.skipped++;
        continue;
      }
      try {
        await this.deliveriesService.retry(delivery);
        batch.retried++;
      } catch (err) {
        if (err instanceof DeliveryInProgressError) batch.skipped++;
        else if (err instanceof EndpointDisabledError)
          return { ...batch, lastId: null, stopped: err.message };
        else throw err;
      }
    }
    return batch;
  }

  /** Deletion of an application: its pending deliveries stop, then its webhooks' data goes. */
  async deleteApplicationWebhooks({ applicationId }: { applicationId: string }): Promise<void> {
    await this.deliveriesService.cancelPending({ applicationId });
    await this.secrets.deleteForEndpoints(await this.endpoints.idsOfApplication(applicationId));
    await Promise.all([
      this.endpoints.deleteForApplication(applicationId),
      this.events.deleteForApplication(applicationId),
      this.deliveries.deleteForApplication(applicationId),
      this.attempts.deleteForApplication(applicationId),
    ]);
  }

  /** Every delivery to this endpoint has failed for too long: disable it. True when it was. */
  async #noteFailure(endpoint: WebhookEndpoint, now: Date, req: AttemptRequest): Promise<boolean> {
    const updated = await this.endpoints.recordFailure(endpoint._id, now);
    const disableAfterMs = parseDuration(this.env.WEBHOOK_ENDPOINT_DISABLE_AFTER)!;
    if (!updated?.failingSince || now.getTime() - updated.failingSince.getTime() < disableAfterMs)
      return false;
    return this.#disable(endpoint, `every delivery failed since ${updated.failingSince.toISOString()}`, req);
  }

  /** Disables the endpoint and tells the application's other endpoints (WEBHOOK_ENDPOINT_DISABLED). */
  async #disable(endpoint: WebhookEndpoint, reason: string, req: AttemptRequest): Promise<boolean> {
    if (await this.endpoints.disable(endpoint._id, reason)) {
      await this.raiseEvent({
        applicationId: endpoint.applicationId,
        eventType: 'WEBHOOK_ENDPOINT_DISABLED',
        data: { webhookId: endpoint._id, name: endpoint.name, url: endpoint.url, reason },
        // The attempt that disabled it: a retried activity raises the same event once.
        occurrence: `${req.deliveryId}:${req.series}:${req.attempt}`,
        excludeEndpointIds: [endpoint._id],
      });
    }
    return true;
  }
}
