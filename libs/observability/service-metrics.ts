import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { Environment } from '../config/environment';

/** How an attempt ended, as a bounded label: the receiver's answer, or why there was none. */
export const ATTEMPT_OUTCOMES = ['succeeded', 'failed', 'gone', 'throttled', 'timeout', 'refused'] as const;
export type AttemptOutcomeLabel = (typeof ATTEMPT_OUTCOMES)[number];

/** Which key changed, and who asked. */
export type RotatedKey = 'crypto_key' | 'private_app_key' | 'signing_secret';
export type RotationTrigger = 'manual' | 'scheduled';

/** Why the worker disabled a webhook (a customer's own switch is not counted here). */
export type DisableReason = 'gone' | 'failing';

/** Event types are the customers' own words: the first ones seen get a series each, the rest share one. */
export const EVENT_TYPE_LABELS_MAX = 100;
export const OTHER_EVENT_TYPES = '_other';

/** Latency buckets, seconds: an API answer is milliseconds, a webhook attempt up to its timeout. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ATTEMPT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];

/**
 * The service's Prometheus metrics (prom-client), one registry per process: the API and the worker
 * each serve theirs at /metrics. Every label takes a bounded set of values: routes as declared,
 * outcomes and statuses from fixed lists, event types capped (EVENT_TYPE_LABELS_MAX); never an ID.
 */
@Injectable()
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API requests by method, route (as declared, e.g. /v1/applications/:id) and status code, with their latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly eventsAccepted = new Counter({
    name: 'webhook_events_accepted_total',
    help: `Events accepted (the events route's 202s; in the worker, the events it raises), by event type (after ${EVENT_TYPE_LABELS_MAX} types, "${OTHER_EVENT_TYPES}")`,
    labelNames: ['event_type'] as const,
    registers: [this.registry],
  });

  readonly attempts = new Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook attempts made (HTTP requests sent or tried), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly attemptDuration = new Histogram({
    name: 'webhook_attempt_duration_seconds',
    help: 'Time from sending a webhook attempt to its answer (or its failure), by outcome',
    labelNames: ['outcome'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [this.registry],
  });

  readonly deliveriesFinished = new Counter({
    name: 'webhook_deliveries_finished_total',
    help: 'Deliveries (one event to one webhook) that ended, by final status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly turnsAwaited = new Counter({
    name: 'webhook_turns_awaited_total',
    help: "Times a delivery was told to wait for its turn under its webhook's rate limit (no attempt made)",
    registers: [this.registry],
  });

  readonly webhooksDisabled = new Counter({
    name: 'webhooks_disabled_total',
    help: 'Webhooks the worker disabled, by reason (gone: answered 410; failing: every delivery failed for WEBHOOK_ENDPOINT_DISABLE_AFTER)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly keyRotations = new Counter({
    name: 'key_rotations_total',
    help: 'Keys replaced, by key (crypto_key, private_app_key, signing_secret) and trigger (manual, scheduled)',
    labelNames: ['key', 'trigger'] as const,
    registers: [this.registry],
  });

  private readonly eventTypes = new Set<string>();

  constructor(env: Environment) {
    // The process's own: CPU, memory, event loop lag, garbage collection.
    if (env.METRICS_ENABLED) collectDefaultMetrics({ register: this.registry });
  }

  eventAccepted(eventType: string): void {
    if (this.eventTypes.size < EVENT_TYPE_LABELS_MAX) this.eventTypes.add(eventType);
    this.eventsAccepted.inc({ event_type: this.eventTypes.has(eventType) ? eventType : OTHER_EVENT_TYPES });
  }

  attemptMade(outcome: AttemptOutcomeLabel, durationMs: number): void {
    this.attempts.inc({ outcome });
    this.attemptDuration.observe({ outcome }, durationMs / 1000);
  }

  deliveryFinished(status: 'succeeded' | 'failed' | 'cancelled'): void {
    this.deliveriesFinished.inc({ status });
  }

  turnAwaited(): void {
    this.turnsAwaited.inc();
  }

  webhookDisabled(reason: DisableReason): void {
    this.webhooksDisabled.inc({ reason });
  }

  keyRotated(key: RotatedKey, trigger: RotationTrigger): void {
    this.keyRotations.inc({ key, trigger });
  }

  /** The Prometheus text exposition of this process's metrics. */
  async exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
