import { Injectable } from '@nestjs/common';
import { Environment } from '../config/environment';
import { CredentialsService } from '../credentials/credentials.service';
import { AttemptOutcome, AttemptRequest, DeliveryOpening, statusAfterAttempt } from '../domain/webhooks';
import { WebhookAttemptsRepository } from '../persistence/repositories/webhook-attempts.repository';
import {
  AttemptWrite,
  WebhookDeliveriesRepository,
} from '../persistence/repositories/webhook-deliveries.repository';
import type { Application } from '../persistence/schemas/application.schema';
import type { DeliveryAttemptRecord, WebhookDelivery } from '../persistence/schemas/webhook-delivery.schema';
import type { WebhookEvent } from '../persistence/schemas/webhook-event.schema';
import { ServiceMetrics } from '../observability/service-metrics';
import { AttemptSources, WebhookTarget } from './attempt-sources';
import { DeliveryControl } from './delivery-control.service';
import { outcomeLabel, outcomeOf, recordedOutcome, SKIPPED, waitingFor } from './attempt-outcome';
import { RateLimiter } from './rate-limiter';
import { WebhookHealth } from './webhook-health';
import { EventSealing } from './event-data';
import { EventIntake } from './event-intake.service';
import { HttpAttemptRequest, HttpAttemptResult, postWebhook } from './http-delivery';
import { webhookBody, webhookRequestHeaders } from './webhook-request';
import { signingSecretsAt } from './webhook-secrets.service';

/** Everything one attempt is made from, loaded once. */
interface PreparedAttempt extends WebhookTarget {
  req: AttemptRequest;
  applicationId: string;
  event: WebhookEvent;
  /** The event's data, opened. */
  data: unknown;
  application: Application;
}

/** How long a receiver may take to answer a delivery's first attempt before the delivery is opened pending. */
const OPEN_PENDING_AFTER_MS = 1_000;

/** The delivery an opening attempt records, as its event names it. */
const openedDelivery = (req: AttemptRequest, opening: DeliveryOpening) => ({
  eventId: req.of!.eventId,
  eventType: opening.eventType,
  applicationId: req.of!.applicationId,
  subject: opening.subject,
});

/** The delivery's end after this attempt, for the record (undefined while retries remain). */
const endedBy = (outcome: AttemptOutcome, isLast: boolean) => {
  const status = statusAfterAttempt(outcome, isLast);
  return status === 'pending' ? undefined : (status as 'succeeded' | 'failed');
};

/**
 * The attempt pipeline, in three steps: prepare (load its event, webhook, application and
 * secrets, and check it is still due), make (build, sign and POST the request), and handle the
 * answer (record the attempt once, keep the webhook's health, end the delivery when it is over).
 * Throws only for infrastructure trouble, which the activity's retry policy covers.
 */
@Injectable()
export class DeliveryAttempts {
  constructor(
    private readonly env: Environment,
    private readonly sealing: EventSealing,
    private readonly credentials: CredentialsService,
    private readonly sources: AttemptSources,
    private readonly health: WebhookHealth,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly control: DeliveryControl,
    private readonly intake: EventIntake,
    private readonly metrics: ServiceMetrics,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * Makes one attempt, or finishes one already made. `mayBeRecorded`: a re-run after a crash,
   * which may find its attempt made and recorded: then it is never POSTed twice.
   */
  async attempt(req: AttemptRequest, mayBeRecorded: boolean): Promise<AttemptOutcome> {
    if (mayBeRecorded) {
      const recorded = await this.finishRecorded(req);
      if (recorded) return recorded;
    }
    // Made before (its workflow run again): what it came to, as recorded.
    if (req.opening && !(await this.recordEvent(req, req.opening)))
      return (await this.finishRecorded(req)) ?? SKIPPED;
    const prepared = await this.prepare(req);
    if (!prepared) return SKIPPED;
    const now = new Date();
    const request = await this.request(prepared, now);
    // Built and signed: only now does it take its slot under a rate limit, and leaves right after.
    const waiting = await this.waitingForTurn(prepared);
    if (waiting) return waiting;
    const answer = await (req.opening ? this.postOpening(req, req.opening, request) : postWebhook(request));
    this.metrics.attemptMade(outcomeLabel(answer), answer.durationMs);
    return this.handle(prepared, now, answer);
  }

  /**
   * The first step of a delivery the API started: the event recorded (once, by the first of its
   * deliveries). False when this delivery was attempted before (a run that crashed after its
   * attempt, or a start repeated once Temporal had forgotten the first run): it is not sent again.
   */
  private async recordEvent(req: AttemptRequest, opening: DeliveryOpening): Promise<boolean> {
    const of = req.of!;
    const recorded = await this.intake.record({
      eventId: of.eventId,
      applicationId: of.applicationId,
      eventType: opening.eventType,
      occurredAt: opening.occurredAt,
      subject: opening.subject,
      sealedData: opening.sealedData,
    });
    if (recorded !== 'found') return true;
    const delivery = await this.deliveries.findById(req.deliveryId);
    return !delivery || (delivery.series === req.series && delivery.attemptCount === 0);
  }

  /**
   * The first attempt of a delivery the API started, which opens the delivery with its outcome
   * (one write). A receiver slow to answer would leave the delivery unseen meanwhile: past
   * OPEN_PENDING_AFTER_MS it is opened pending, and the outcome updates it.
   */
  private async postOpening(
    req: AttemptRequest,
    opening: DeliveryOpening,
    request: HttpAttemptRequest,
  ): Promise<HttpAttemptResult> {
    let opened: Promise<unknown> | undefined;
    const timer = setTimeout(() => {
      opened = this.deliveries.open(openedDelivery(req, opening), [req.of!.webhookId]);
    }, OPEN_PENDING_AFTER_MS);
    try {
      return await postWebhook(request);
    } finally {
      clearTimeout(timer);
      await opened;
    }
  }

  /**
   * An attempt made and recorded before a crash: its outcome. One recorded apart (before attempts
   * moved into their delivery) may have missed its delivery's write: that is made now (idempotent).
   */
  private async finishRecorded(req: AttemptRequest): Promise<AttemptOutcome | null> {
    const recorded = await this.attempts.find(req.deliveryId, req.series, req.attempt);
    if (!recorded) return null;
    const outcome = recordedOutcome(recorded);
    // Requests of workflows started before `of` was added do not say: then the delivery is read.
    await this.recordOnDelivery(req, req.of?.applicationId, recorded, outcome);
    return outcome;
  }

  /**
   * Loads what the attempt needs (read through AttemptSources); null, and the delivery cancelled if
   * still open, when it is no longer due: its webhook gone or disabled, its application not active.
   */
  private async prepare(req: AttemptRequest): Promise<PreparedAttempt | null> {
    const of = req.of ?? (await this.openDelivery(req));
    if (!of) return null;
    const [event, target] = await Promise.all([
      this.sources.event(of.eventId),
      this.sources.target(of.webhookId),
    ]);
    // An erased event (its subject erased, or past retention) has nothing left to send.
    const opened = event && !event.erasedBy ? await this.sealing.open(event) : null;
    if (!event || !opened || !target?.webhook.enabled || target.application?.status !== 'active') {
      // A delivery this attempt was to open is opened to be seen cancelled.
      if (req.opening) await this.deliveries.open(openedDelivery(req, req.opening), [of.webhookId]);
      await this.control.cancelled(req.deliveryId, req.series);
      return null;
    }
    return {
      req,
      applicationId: of.applicationId,
      event,
      data: opened.data,
      ...target,
      application: target.application,
    };
  }

  /**
   * Under the webhook's rate limit, the attempt may have to wait for its turn: then it is not made
   * (nor counted), and a delivery it was to open is opened now, pending, to be seen waiting.
   */
  private async waitingForTurn({ req, webhook }: PreparedAttempt): Promise<AttemptOutcome | null> {
    if (!webhook.rateLimit) return null;
    const decision = await this.rateLimiter.turn(
      { _id: webhook._id, rateLimit: webhook.rateLimit },
      req.turn,
    );
    if (decision.go) return null;
    if (req.opening) await this.deliveries.open(openedDelivery(req, req.opening), [webhook._id]);
    this.metrics.turnAwaited();
    return waitingFor(decision.turn);
  }

  /** The delivery of a request that does not say what it is of (workflows started before `of`), if still due. */
  private async openDelivery(req: AttemptRequest): Promise<WebhookDelivery | null> {
    const delivery = await this.deliveries.findById(req.deliveryId);
    return delivery && delivery.series === req.series && delivery.status === 'pending' ? delivery : null;
  }

  /** The signed request: the event's body (encrypted if the application asks), custom headers, signature. */
  private async request(
    { event, data, webhook, application, secrets }: PreparedAttempt,
    now: Date,
  ): Promise<HttpAttemptRequest> {
    const body = webhookBody({
      id: event._id,
      type: event.eventType,
      occurredAt: event.occurredAt,
      applicationId: event.applicationId,
      subject: event.subject,
      ...(application.encryptWebhooks
        ? { encryptedData: await this.credentials.encrypt(application, data) }
        : { data }),
    });
    const headers = webhookRequestHeaders(secrets.headers, {
      secrets: signingSecretsAt(secrets.signing, now),
      id: event._id,
      timestampSeconds: Math.floor(now.getTime() / 1000),
      body,
    });
    return {
      url: webhook.url,
      headers,
      body,
      timeoutMs: this.env.WEBHOOK_TIMEOUT_MS,
      allowPrivateTargets: this.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS,
    };
  }

  /**
   * Keeps the webhook's health, and records the attempt in its delivery (once), which ends with it
   * if this was its end. An attempt recorded already (made before a crash the workflow did not see
   * the end of, and made again now) keeps its first record, and the workflow goes by that: record
   * and workflow agree.
   */
  private async handle(
    { req, webhook, applicationId }: PreparedAttempt,
    now: Date,
    answer: HttpAttemptResult,
  ): Promise<AttemptOutcome> {
    const succeeded = answer.error === null;
    const disabled =
      !succeeded &&
      (await this.health.failed(
        webhook,
        answer.statusCode,
        now,
        `${req.deliveryId}:${req.series}:${req.attempt}`,
      ));
    const outcome = outcomeOf(answer, disabled);
    const written = await this.recordOnDelivery(
      req,
      applicationId,
      {
        series: req.series,
        attempt: req.attempt,
        scheduledAt: new Date(req.scheduledAt),
        startedAt: now,
        durationMs: answer.durationMs,
        statusCode: answer.statusCode,
        responseBody: answer.responseBody,
        error: answer.error,
        succeeded,
      },
      outcome,
    );
    if (written === 'duplicate') return (await this.finishRecorded(req)) ?? outcome;
    if (succeeded) await this.health.succeeded(webhook, now);
    return outcome;
  }

  /**
   * The attempt in its delivery (which it opens, for a delivery the API started), ending it when
   * it was the last: one write. Counted once, by the write that ended it.
   */
  private async recordOnDelivery(
    req: AttemptRequest,
    applicationId: string | undefined,
    record: DeliveryAttemptRecord,
    outcome: AttemptOutcome,
  ): Promise<AttemptWrite> {
    const ended = endedBy(outcome, req.isLast);
    const written = req.opening
      ? await this.deliveries.openWithAttempt(
          openedDelivery(req, req.opening),
          req.of!.webhookId,
          record,
          ended,
        )
      : await this.deliveries.recordAttempt({ id: req.deliveryId, applicationId }, req.series, record, ended);
    if (written === 'recorded' && ended) this.metrics.deliveryFinished(ended);
    return written;
  }
}
