import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { PAYLOAD_ERASURES, PayloadErasure } from '../../domain/webhooks';

/** An event accepted for delivery: what every attempt sends, the same each time. */
@Schema({ collection: 'webhook_events', versionKey: false })
export class WebhookEvent {
  /** `evt_…`: the `webhook-id` of every delivery of it. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  applicationId: string;

  @Prop({ required: true })
  eventType: string;

  /** Who the event is about, when it said (an applicant's ID). */
  @Prop({ type: String, default: null })
  subject?: string | null;

  /** When it happened: the body's `timestamp`, fixed for the event. */
  @Prop({ required: true })
  occurredAt: Date;

  /** Sealed under the master key (libs/webhooks/event-data.ts); in clear only in events from before. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  data: unknown;

  @Prop({ required: true })
  createdAt: Date;

  /** Why its data is gone (null while kept): the data is null from then on. */
  @Prop({ type: String, enum: PAYLOAD_ERASURES, default: null })
  erasedBy?: PayloadErasure | null;
}

export const WebhookEventSchema = SchemaFactory.createForClass(WebhookEvent);
WebhookEventSchema.index({ applicationId: 1, createdAt: -1 });
// Erasing a subject.
WebhookEventSchema.index({ applicationId: 1, subject: 1 });
