import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { DELIVERY_STATUSES, DeliveryStatus, PAYLOAD_ERASURES, PayloadErasure } from '../../domain/webhooks';

/** One HTTP attempt of a delivery, kept in the delivery's document: written by the same write. */
@Schema({ _id: false, versionKey: false })
export class DeliveryAttemptRecord {
  @Prop({ required: true })
  series: number;

  @Prop({ required: true })
  attempt: number;

  /** When the workflow scheduled it (its own clock, durable across restarts). */
  @Prop({ required: true })
  scheduledAt: Date;

  @Prop({ required: true })
  startedAt: Date;

  @Prop({ required: true })
  durationMs: number;

  @Prop({ type: Number, default: null })
  statusCode: number | null;

  /** The first 4 KB of the receiver's answer. */
  @Prop({ type: String, default: null })
  responseBody: string | null;

  @Prop({ type: String, default: null })
  error: string | null;

  @Prop({ required: true })
  succeeded: boolean;
}
const DeliveryAttemptRecordSchema = SchemaFactory.createForClass(DeliveryAttemptRecord);

/**
 * One event to one webhook. The _id (`<eventId>:<webhookId>`) makes the pair unique for good,
 * beyond Temporal's retention of the workflow that delivers it.
 */
@Schema({ collection: 'webhook_deliveries', versionKey: false })
export class WebhookDelivery {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  applicationId: string;

  @Prop({ required: true })
  webhookId: string;

  @Prop({ required: true })
  eventId: string;

  @Prop({ required: true })
  eventType: string;

  /** Who the event is about, when it said (an applicant's ID). */
  @Prop({ type: String, default: null })
  subject: string | null;

  @Prop({ type: String, required: true, enum: DELIVERY_STATUSES })
  status: DeliveryStatus;

  /** 1 for the first series of attempts, +1 for each retry of the delivery. */
  @Prop({ required: true, default: 1 })
  series: number;

  @Prop({ required: true, default: 0 })
  attemptCount: number;

  @Prop({ type: Date, default: null })
  lastAttemptAt: Date | null;

  /**
   * When it failed: the hour of its last attempt (FailedDeliveryHour), set by the write that
   * failed it, kept while it is retried. Absent on deliveries that never failed.
   */
  @Prop({ type: Number })
  failedHour?: number;

  @Prop({ type: Number, default: null })
  lastStatusCode: number | null;

  @Prop({ type: String, default: null })
  lastError: string | null;

  @Prop({ required: true })
  createdAt: Date;

  @Prop({ type: Date, default: null })
  finishedAt: Date | null;

  /**
   * Its attempts, every series, in the order made. Deliveries recorded before attempts moved here
   * keep theirs in `webhook_attempts` (WebhookAttemptsRepository reads both).
   */
  @Prop({ type: [DeliveryAttemptRecordSchema], default: undefined })
  attempts?: DeliveryAttemptRecord[];

  /** Why its event's payload is gone (null, or absent in deliveries from before, while kept). */
  @Prop({ type: String, enum: PAYLOAD_ERASURES, default: null })
  payloadErasedBy?: PayloadErasure | null;
}

export const WebhookDeliverySchema = SchemaFactory.createForClass(WebhookDelivery);
// The failed-deliveries view, an hour at a time, and the deliveries list: newest first, filtered,
// cursor-paginated.
WebhookDeliverySchema.index({ applicationId: 1, status: 1, failedHour: 1, lastAttemptAt: -1, _id: -1 });
WebhookDeliverySchema.index({
  applicationId: 1,
  status: 1,
  eventType: 1,
  failedHour: 1,
  lastAttemptAt: -1,
  _id: -1,
});
WebhookDeliverySchema.index({ webhookId: 1, status: 1, lastAttemptAt: -1, _id: -1 });
WebhookDeliverySchema.index({ applicationId: 1, createdAt: -1, _id: -1 });
WebhookDeliverySchema.index({ applicationId: 1, subject: 1, createdAt: -1, _id: -1 });
// Retention and erasure: the deliveries of the events they reach.
WebhookDeliverySchema.index({ eventId: 1 });
// The backlog metrics: how many are pending, and since when.
WebhookDeliverySchema.index({ status: 1, createdAt: 1 });
