import { HttpStatus, Injectable } from '@nestjs/common';
import type { CustomerPrincipal } from '../../../../libs/auth/principal';
import { ApiError } from '../../../../libs/http/api-error';
import { PageCursors } from '../../../../libs/http/page-cursors';
import { WebhookAttemptsRepository } from '../../../../libs/persistence/repositories/webhook-attempts.repository';
import {
  DeliveryFilter,
  WebhookDeliveriesRepository,
} from '../../../../libs/persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../../../../libs/persistence/repositories/webhooks.repository';
import type { WebhookDelivery } from '../../../../libs/persistence/schemas/webhook-delivery.schema';
import { DeliveryControl } from '../../../../libs/webhooks/delivery-control.service';
import { ApplicationsService } from '../applications/applications.service';
import type {
  DeliveriesResponse,
  DeliveryView,
  FailedDeliveriesResponse,
  RetryResponse,
} from './dto/delivery.dto';

const deliveryView = (d: WebhookDelivery): DeliveryView => ({
  id: d._id,
  eventId: d.eventId,
  eventType: d.eventType,
  subject: d.subject ?? null,
  webhookId: d.webhookId,
  status: d.status,
  series: d.series,
  attemptCount: d.attemptCount,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  lastStatusCode: d.lastStatusCode ?? null,
  lastError: d.lastError ?? null,
  createdAt: d.createdAt.toISOString(),
  finishedAt: d.finishedAt?.toISOString() ?? null,
  payloadErased: Boolean(d.payloadErasedBy),
  payloadErasedBy: d.payloadErasedBy ?? null,
});

/** Deliveries and the failed-deliveries view, as the API shows them; retrying one. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly control: DeliveryControl,
    private readonly cursors: PageCursors,
  ) {}

  async failed(
    principal: CustomerPrincipal,
    appId: string,
    query: {
      eventType?: string;
      subject?: string;
      webhookId?: string;
      from?: Date;
      to?: Date;
      limit?: number;
      cursor?: string;
    },
  ): Promise<FailedDeliveriesResponse> {
    const application = await this.applications.owned(principal, appId);
    const page = await this.page(
      application._id,
      {
        status: 'failed',
        eventType: query.eventType,
        subject: query.subject,
        webhookId: query.webhookId,
        from: query.from,
        to: query.to,
      },
      query,
    );
    const webhooks = new Map(
      (await this.webhooks.findManyById([...new Set(page.items.map((d) => d.webhookId))])).map((e) => [
        e._id,
        e,
      ]),
    );
    return {
      items: page.items.map((d) => ({
        eventId: d.eventId,
        eventType: d.eventType,
        subject: d.subject ?? null,
        errorMessage: d.lastError ?? '',
        deliveryId: d._id,
        webhookId: d.webhookId,
        webhookName: webhooks.get(d.webhookId)?.name ?? null,
        url: webhooks.get(d.webhookId)?.url ?? null,
        attemptCount: d.attemptCount,
        lastAttemptAt: d.lastAttemptAt?.toISOString() ?? d.createdAt.toISOString(),
        lastStatusCode: d.lastStatusCode ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  async list(
    principal: CustomerPrincipal,
    appId: string,
    query: {
      status?: WebhookDelivery['status'];
      eventType?: string;
      subject?: string;
      webhookId?: string;
      limit?: number;
      cursor?: string;
    },
  ): Promise<DeliveriesResponse> {
    const application = await this.applications.owned(principal, appId);
    const page = await this.page(
      application._id,
      {
        status: query.status,
        eventType: query.eventType,
        subject: query.subject,
        webhookId: query.webhookId,
      },
      query,
    );
    return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
  }

  async get(principal: CustomerPrincipal, appId: string, deliveryId: string): Promise<DeliveryView> {
    const delivery = await this.owned(principal, appId, deliveryId);
    const attempts = await this.attempts.listForDelivery(delivery);
    return {
      ...deliveryView(delivery),
      attempts: attempts.map((a) => ({
        series: a.series,
        attempt: a.attempt,
        scheduledAt: a.scheduledAt.toISOString(),
        startedAt: a.startedAt.toISOString(),
        durationMs: a.durationMs,
        statusCode: a.statusCode ?? null,
        responseBody: a.responseBody ?? null,
        error: a.error ?? null,
        succeeded: a.succeeded,
      })),
    };
  }

  async retry(principal: CustomerPrincipal, appId: string, deliveryId: string): Promise<RetryResponse> {
    const delivery = await this.owned(principal, appId, deliveryId);
    const { series, workflowId } = await this.control.retry(delivery);
    return { deliveryId, series, workflowId };
  }

  private async owned(
    principal: CustomerPrincipal,
    appId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery> {
    const application = await this.applications.owned(principal, appId);
    const delivery = await this.deliveries.findInApplication(application._id, deliveryId);
    if (!delivery)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'DELIVERY_NOT_FOUND',
        `No delivery ${deliveryId} in this application`,
      );
    return delivery;
  }

  /** The failed view and the list are two lists: a cursor of one does not page the other. */
  private page(applicationId: string, filter: DeliveryFilter, query: { limit?: number; cursor?: string }) {
    const name = filter.status === 'failed' ? 'failed-deliveries' : 'deliveries';
    return this.cursors.page({ name, scope: applicationId }, query, (options) =>
      this.deliveries.page(applicationId, filter, options),
    );
  }
}
