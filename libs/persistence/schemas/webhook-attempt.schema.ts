import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { DeliveryAttemptRecord } from './webhook-delivery.schema';

/**
 * One HTTP attempt of a delivery, as recorded before attempts moved into their delivery document
 * (WebhookDelivery.attempts): read beside those until retention deletes them; nothing writes here now.
 */
@Schema({ collection: 'webhook_attempts', versionKey: false })
export class WebhookAttempt extends DeliveryAttemptRecord {
  /** `<deliveryId>:<series>:<attempt>` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  deliveryId: string;

  @Prop({ required: true })
  applicationId: string;

  @Prop({ required: true })
  webhookId: string;
}

export const WebhookAttemptSchema = SchemaFactory.createForClass(WebhookAttempt);
WebhookAttemptSchema.index({ deliveryId: 1, series: 1, attempt: 1 });
// Whether a webhook had a success since a time: asked only before disabling it.
WebhookAttemptSchema.index({ webhookId: 1, succeeded: 1, startedAt: 1 });
