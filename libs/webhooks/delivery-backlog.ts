import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { WebhookDeliveriesRepository } from '../persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import { WebhookTurnsRepository } from '../persistence/repositories/webhook-turns.repository';
import { ServiceMetrics } from '../observability/service-metrics';

/** Scrapes closer together than this share one reading: the queries stay off the hot path's back. */
const READING_TTL_MS = 5_000;

interface Reading {
  pending: number;
  oldestAgeSeconds: number;
  disabledWebhooks: number;
  waitingForTurn: number;
}

/**
 * The backlog as gauges, read from MongoDB when scraped (the worker's /metrics only): deliveries
 * pending, the age of the oldest, and the webhooks switched off.
 */
@Injectable()
export class DeliveryBacklog {
  private reading?: Promise<Reading>;
  private readingStartedAt = 0;

  constructor(
    metrics: ServiceMetrics,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly turns: WebhookTurnsRepository,
  ) {
    const gauge = (name: string, help: string, value: (r: Reading) => number) => {
      const g: Gauge = new Gauge({
        name,
        help,
        registers: [metrics.registry],
        collect: async () => g.set(value(await this.read())),
      });
    };
    gauge(
      'webhook_deliveries_pending',
      'Deliveries not finished yet (waiting for an attempt or a retry)',
      (r) => r.pending,
    );
    gauge(
      'webhook_deliveries_oldest_pending_age_seconds',
      'Age of the oldest pending delivery (0 when none is pending)',
      (r) => r.oldestAgeSeconds,
    );
    gauge(
      'webhooks_disabled',
      'Webhooks disabled now (by the worker or by their customer)',
      (r) => r.disabledWebhooks,
    );
    gauge(
      'webhook_deliveries_waiting_for_turn',
      "Deliveries throttled by their webhook's rate limit, waiting for their turn (all webhooks)",
      (r) => r.waitingForTurn,
    );
  }

  /** One reading for all the gauges of a scrape, kept READING_TTL_MS; a failed one is not kept. */
  private read(): Promise<Reading> {
    if (!this.reading || Date.now() - this.readingStartedAt >= READING_TTL_MS) {
      this.readingStartedAt = Date.now();
      const reading = this.query();
      reading.catch(() => {
        if (this.reading === reading) this.reading = undefined;
      });
      this.reading = reading;
    }
    return this.reading;
  }

  private async query(): Promise<Reading> {
    const [{ pending, oldestOpenedAt }, disabledWebhooks, waitingForTurn] = await Promise.all([
      this.deliveries.backlog(),
      this.webhooks.countDisabled(),
      this.turns.allWaiting(new Date()),
    ]);
    return {
      pending,
      oldestAgeSeconds: oldestOpenedAt ? Math.max(0, (Date.now() - oldestOpenedAt.getTime()) / 1000) : 0,
      disabledWebhooks,
      waitingForTurn,
    };
  }
}
