import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One HTTP attempt of a delivery, recorded once whatever the retries of the activity that made it. */
@Schema({ collection: 'webhook_attempts', versionKey: false })
export class WebhookAttempt {
  /** `<deliveryId>:<series>:<attempt>` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  deliveryId: string;

  @Prop({ required: true })
  applicationId: string;

  @Prop({ required: true })
  webhookId: string;

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

export const WebhookAttemptSchema = SchemaFactory.createForClass(WebhookAttempt);
WebhookAttemptSchema.index({ deliveryId: 1, series: 1, attempt: 1 });
// Whether a webhook had a success since a time: asked only before disabling it.
WebhookAttemptSchema.index({ webhookId: 1, succeeded: 1, startedAt: 1 });
