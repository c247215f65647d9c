import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model } from 'mongoose';
import type { DeliveryStatus, PayloadErasure } from '../../domain/webhooks';
import { CoalescedInserts } from '../coalesced-inserts';
import { insertEach } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { KeysetPage, keysetPage, PagePosition } from '../keyset-page';
import { hourOf } from '../schemas/failed-delivery-hour.schema';
import { DeliveryAttemptRecord, WebhookDelivery } from '../schemas/webhook-delivery.schema';
import { FailedDeliveryHoursRepository } from './failed-delivery-hours.repository';
import { erasableBy } from './webhook-events.repository';

export const deliveryIdOf = (eventId: string, webhookId: string) => `${eventId}:${webhookId}`;

export interface DeliveryFilter {
  status?: DeliveryStatus;
  eventType?: string;
  webhookId?: string;
  subject?: string;
  /** On lastAttemptAt (failed view) or createdAt (list). */
  from?: Date;
  to?: Date;
}

/** The event a delivery is of, as the delivery records it. */
type DeliveryEvent = { eventId: string; eventType: string; applicationId: string; subject?: string | null };

/** A delivery's end, when an attempt ends it. */
const endFields = (finished?: Exclude<DeliveryStatus, 'pending'>) =>
  finished ? { status: finished, finishedAt: new Date() } : {};

/** A delivery as it opens: pending, its first series not yet attempted. */
const openDocument = (event: DeliveryEvent, webhookId: string, createdAt: Date) => ({
  ...event,
  subject: event.subject ?? null,
  webhookId,
  status: 'pending' as const,
  series: 1,
  attemptCount: 0,
  lastAttemptAt: null,
  lastStatusCode: null,
  lastError: null,
  createdAt,
  finishedAt: null,
});

/** What an attempt sets on its delivery, beside its record; the hour it failed in, if it failed it. */
const attemptFields = (record: DeliveryAttemptRecord, finished?: DeliveryStatus) => ({
  attemptCount: record.attempt,
  lastAttemptAt: record.startedAt,
  lastStatusCode: record.statusCode,
  lastError: record.error,
  ...(finished === 'failed' ? { failedHour: hourOf(record.startedAt) } : {}),
});

/** Hours of the failed view read at once, newest first, while a page is not full. */
const HOURS_AT_ONCE = 4;

/** How recording an attempt went (see recordAttempt). */
export type AttemptWrite = 'recorded' | 'duplicate' | 'late';

@Injectable()
export class WebhookDeliveriesRepository implements OnModuleInit {
  /** Deliveries opened with their first attempt, coalesced with those opened meanwhile. */
  private readonly openings: CoalescedInserts;

  constructor(
    @InjectModel(WebhookDelivery.name) private readonly model: Model<WebhookDelivery>,
    private readonly failedHours: FailedDeliveryHoursRepository,
  ) {
    this.openings = new CoalescedInserts(model.collection);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Opens a pending delivery per webhook; returns the webhooks whose delivery is still to start
   * (opened now, or opened before and never attempted). A pair whose delivery has begun is skipped:
   * with the unique _id, an event is never delivered twice to a webhook, whatever Temporal remembers.
   */
  async open(event: DeliveryEvent, webhookIds: string[]): Promise<string[]> {
    const createdAt = new Date();
    const docs = webhookIds.map((webhookId) => ({
      _id: deliveryIdOf(event.eventId, webhookId),
      ...openDocument(event, webhookId, createdAt),
    }));
    // One round trip for all of them; the pairs already there come back as duplicates.
    const outcomes = docs.length > 0 ? await insertEach(this.model.collection, docs) : [];
    for (const outcome of outcomes) if (typeof outcome !== 'string') throw outcome.failed;
    const opened: string[] = [];
    for (const [index, webhookId] of webhookIds.entries()) {
      if (outcomes[index] === 'inserted') {
        opened.push(webhookId);
        continue;
      }
      // Opened by an earlier run of the same step whose result was lost (a local activity
      // re-run after its worker died): still to start, unless it has begun being attempted.
      const existing = await this.findById(deliveryIdOf(event.eventId, webhookId));
      if (existing?.status === 'pending' && existing.series === 1 && existing.attemptCount === 0)
        opened.push(webhookId);
    }
    return opened;
  }

  async findById(id: string): Promise<WebhookDelivery | null> {
    return this.model.findById(id).lean().exec();
  }

  async findInApplication(applicationId: string, id: string): Promise<WebhookDelivery | null> {
    return this.model.findOne({ _id: id, applicationId }).lean().exec();
  }

  /**
   * Records an attempt of the current series in its delivery, in the one write that also sets
   * what it changes there (and the delivery's end when `finished`). `recorded`; `duplicate` when
   * this attempt is on record already (a re-run after a crash: nothing written); `late` when the
   * delivery ended meanwhile (cancelled): the attempt is kept on record, not as its end. An attempt
   * that fails the delivery first notes the hour it failed in, for the failed view.
   */
  async recordAttempt(
    delivery: { id: string; applicationId?: string },
    series: number,
    record: DeliveryAttemptRecord,
    finished?: Exclude<DeliveryStatus, 'pending' | 'cancelled'>,
  ): Promise<AttemptWrite> {
    const { id } = delivery;
    if (finished === 'failed') {
      // Unsaid only by attempts of workflows from before it was: then read.
      const applicationId =
        delivery.applicationId ??
        (await this.model.findById(id, { applicationId: 1 }).lean().exec())?.applicationId;
      if (applicationId) await this.failedHours.note(applicationId, hourOf(record.startedAt));
    }
    const { modifiedCount } = await this.model
      .updateOne(
        { _id: id, series, status: 'pending', attemptCount: { $lt: record.attempt } },
        {
          $set: {
            ...attemptFields(record, finished),
            ...endFields(finished),
          },
          $push: { attempts: record },
        },
      )
      .exec();
    if (modifiedCount === 1) return 'recorded';
    const stored = await this.model.findById(id, { series: 1, attemptCount: 1, attempts: 1 }).lean().exec();
    if (!stored) return 'late';
    const onRecord =
      (stored.series === series && stored.attemptCount >= record.attempt) ||
      stored.attempts?.some((a) => a.series === series && a.attempt === record.attempt);
    if (onRecord) return 'duplicate';
    await this.model.updateOne({ _id: id }, { $push: { attempts: record } }).exec();
    return 'late';
  }

  /**
   * Opens a delivery with its first attempt, in one write (deliveries the API started, whose first
   * attempt opens them); when it is open already (opened pending while a slow receiver answered,
   * or by a run before a crash), records the attempt in it as recordAttempt does.
   */
  async openWithAttempt(
    event: DeliveryEvent,
    webhookId: string,
    record: DeliveryAttemptRecord,
    finished?: Exclude<DeliveryStatus, 'pending' | 'cancelled'>,
  ): Promise<AttemptWrite> {
    const _id = deliveryIdOf(event.eventId, webhookId);
    if (finished === 'failed') await this.failedHours.note(event.applicationId, hourOf(record.startedAt));
    const opened = await this.openings.insert({
      ...openDocument(event, webhookId, record.startedAt),
      _id,
      ...attemptFields(record, finished),
      ...endFields(finished),
      attempts: [record],
    });
    if (opened === 'inserted') return 'recorded';
    return this.recordAttempt({ id: _id, applicationId: event.applicationId }, 1, record, finished);
  }

  /** How many deliveries are pending, and when the oldest of them was opened (the backlog). */
  async backlog(): Promise<{ pending: number; oldestOpenedAt: Date | null }> {
    const [pending, oldest] = await Promise.all([
      this.model.countDocuments({ status: 'pending' }).exec(),
      this.model.findOne({ status: 'pending' }, { createdAt: 1 }).sort({ createdAt: 1 }).lean().exec(),
    ]);
    return { pending, oldestOpenedAt: oldest?.createdAt ?? null };
  }

  /** Ends a pending delivery; true when this call ended it. */
  async finish(id: string, series: number, status: Exclude<DeliveryStatus, 'pending'>): Promise<boolean> {
    const { modifiedCount } = await this.model
      .updateOne({ _id: id, series, status: 'pending' }, { $set: endFields(status) })
      .exec();
    return modifiedCount === 1;
  }

  /**
   * Opens series `series` of a finished (failed or cancelled) delivery; false when it is not
   * finished at `series - 1`. Not what decides between concurrent retries (on FerretDB v1 a
   * conditional update is not atomic): their claim does, before this.
   */
  async openSeries(id: string, series: number): Promise<boolean> {
    const { modifiedCount } = await this.model
      .updateOne(
        { _id: id, series: series - 1, status: { $in: ['failed', 'cancelled'] } },
        { $set: { status: 'pending', series, finishedAt: null, attemptCount: 0 } },
      )
      .exec();
    return modifiedCount === 1;
  }

  /** Takes back a series `openSeries` opened and nothing ran: the delivery as it was before. */
  async undoSeries(
    before: Pick<WebhookDelivery, '_id' | 'series' | 'status' | 'attemptCount' | 'finishedAt'>,
    series: number,
  ): Promise<void> {
    await this.model
      .updateOne(
        { _id: before._id, series, status: 'pending', attemptCount: 0 },
        {
          $set: {
            series: before.series,
            status: before.status,
            attemptCount: before.attemptCount,
            finishedAt: before.finishedAt,
          },
        },
      )
      .exec();
  }

  /** Newest attempt first (failed view) or newest delivery first (list). */
  async page(
    applicationId: string,
    filter: DeliveryFilter,
    options: { limit: number; after?: PagePosition },
  ): Promise<KeysetPage<WebhookDelivery>> {
    const field = filter.status === 'failed' ? 'lastAttemptAt' : 'createdAt';
    const query: FilterQuery<WebhookDelivery> = { applicationId };
    if (filter.status) query.status = filter.status;
    if (filter.eventType) query.eventType = filter.eventType;
    if (filter.webhookId) query.webhookId = filter.webhookId;
    if (filter.subject) query.subject = filter.subject;
    if (filter.from || filter.to) {
      query[field] = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    }
    // Lists show deliveries, not their attempts (a delivery's own read has them).
    const projection = { attempts: 0 } as const;
    if (filter.status !== 'failed') return keysetPage(this.model, query, field, { ...options, projection });
    return this.failedPage(query, filter, { ...options, projection });
  }

  /**
   * A page of the failed view, hour by hour from the newest (see FailedDeliveryHour): each hour's
   * failed deliveries are found by equality, so a page reads what it shows and a few hours more,
   * whatever the store holds.
   */
  private async failedPage(
    query: FilterQuery<WebhookDelivery>,
    filter: DeliveryFilter,
    options: { limit: number; after?: PagePosition; projection: Record<string, 0> },
  ): Promise<KeysetPage<WebhookDelivery>> {
    const newest = Math.min(
      options.after ? hourOf(options.after.at) : Infinity,
      filter.to ? hourOf(new Date(filter.to.getTime() - 1)) : Infinity,
    );
    const oldest = filter.from ? hourOf(filter.from) : -Infinity;
    const hours = (await this.failedHours.newestFirst(query.applicationId as string)).filter(
      (hour) => hour <= newest && hour >= oldest,
    );
    // One more than the page, to know whether another follows.
    const wanted = options.limit + 1;
    const items: WebhookDelivery[] = [];
    for (let i = 0; i < hours.length && items.length < wanted; i += HOURS_AT_ONCE) {
      const limit = wanted - items.length;
      const pages = await Promise.all(
        hours
          .slice(i, i + HOURS_AT_ONCE)
          .map((failedHour) =>
            keysetPage(this.model, { ...query, failedHour }, 'lastAttemptAt', { ...options, limit }),
          ),
      );
      // Hours are disjoint and newest first: their pages, one after another, are in view order.
      for (const page of pages) items.push(...page.items);
    }
    const page = items.slice(0, options.limit);
    const last = page.at(-1);
    return {
      items: page,
      next: items.length > options.limit && last ? { at: last.lastAttemptAt!, id: last._id } : null,
    };
  }

  /** Failed deliveries of a webhook since a time, in ID order after `afterId`, `limit` at a time. */
  async failedSince(webhookId: string, since: Date, afterId: string, limit: number): Promise<string[]> {
    const found = await this.model
      .find(
        { webhookId, status: 'failed', lastAttemptAt: { $gte: since }, _id: { $gt: afterId } },
        { _id: 1 },
      )
      .sort({ _id: 1 })
      .limit(limit)
      .lean()
      .exec();
    return found.map((d) => d._id);
  }

  async pendingIds(filter: {
    applicationId?: string;
    webhookId?: string;
    subject?: string;
  }): Promise<string[]> {
    return (
      await this.model
        .find({ ...filter, status: 'pending' }, { _id: 1 })
        .lean()
        .exec()
    ).map((d) => d._id);
  }

  /** The deliveries of these events: which, and whether they are still in progress. */
  async ofEvents(eventIds: string[]): Promise<Pick<WebhookDelivery, '_id' | 'eventId' | 'status'>[]> {
    return this.model
      .find({ eventId: { $in: eventIds } }, { _id: 1, eventId: 1, status: 1 })
      .lean()
      .exec();
  }

  /** Marks the deliveries of these events as having lost their payload, and why. */
  async markPayloadErased(eventIds: string[], by: PayloadErasure): Promise<void> {
    await this.model
      .updateMany(
        { eventId: { $in: eventIds }, payloadErasedBy: { $in: erasableBy(by) } },
        { $set: { payloadErasedBy: by } },
      )
      .exec();
  }

  async deleteMany(ids: string[]): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ _id: { $in: ids } }).exec();
    return deletedCount;
  }

  async deleteForApplication(applicationId: string): Promise<void> {
    await Promise.all([
      this.model.deleteMany({ applicationId }).exec(),
      this.failedHours.deleteAll(applicationId),
    ]);
  }

  /** Retention: no delivery of the application that failed before `at` is kept any more. */
  async forgetFailuresBefore(applicationId: string, at: Date): Promise<void> {
    await this.failedHours.forgetBefore(applicationId, hourOf(at));
  }
}
