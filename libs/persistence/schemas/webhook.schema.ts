import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import type { RateLimit } from '../../domain/rate-limit';
import type { RetryPolicySpec } from '../../domain/retry-policy';
import {
  WEBHOOK_ORDERINGS,
  WEBHOOK_SIGNATURES,
  WebhookOrdering,
  WebhookSignature,
} from '../../domain/webhooks';

@Schema({ _id: false, versionKey: false })
export class WebhookHeader {
  @Prop({ required: true }) key: string;
  /** The value, unless it looks like a credential: then it is sealed in webhook_secrets and null here. */
  @Prop({ type: String, default: null }) value: string | null;
  @Prop({ required: true }) sensitive: boolean;
}
const WebhookHeaderSchema = SchemaFactory.createForClass(WebhookHeader);

/** Where an application's webhooks go. Its signing secrets and sensitive header values live in webhook_secrets. */
@Schema({ collection: 'webhooks', versionKey: false, timestamps: true })
export class Webhook {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  applicationId: string;

  /**
   * Which of the application's webhook places it holds (0, 1, …), unique per application: the
   * insert that takes a place is what bounds the count exactly when creations race.
   */
  @Prop({ required: true })
  slot: number;

  @Prop({ required: true })
  workspaceId: string;

  @Prop({ required: true })
  name: string;

  @Prop({ required: true })
  url: string;

  @Prop({ type: [WebhookHeaderSchema], default: [] })
  headers: WebhookHeader[];

  /** Empty: every event type. */
  @Prop({ type: [String], default: [] })
  eventTypes: string[];

  @Prop({ required: true, default: true })
  enabled: boolean;

  @Prop({ type: String, default: null })
  disabledReason: string | null;

  /** How its deliveries are signed (absent in webhooks made before: HMAC). */
  @Prop({ type: String, enum: WEBHOOK_SIGNATURES, default: 'hmac-sha256' })
  signature: WebhookSignature;

  /** `subject`: one delivery at a time per subject, in acceptance order (absent in webhooks made before: none). */
  @Prop({ type: String, enum: WEBHOOK_ORDERINGS, default: 'none' })
  ordering: WebhookOrdering;

  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  retryPolicy: RetryPolicySpec | null;

  /**
   * Its payload filter (libs/domain/event-filter) as JSON text, null for none: stored as text since
   * its keys are operators ($gte, …), which a stored document's field names cannot be everywhere.
   */
  @Prop({ type: String, default: null })
  filterJson: string | null;

  /** At most `count` requests to its receiver per `per`, across every worker; null: no limit. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  rateLimit: RateLimit | null;

  /** Since when every delivery has failed; null after a success. Disables the webhook when too old. */
  @Prop({ type: Date, default: null })
  failingSince: Date | null;

  @Prop({ type: Date, default: null })
  lastSuccessAt: Date | null;

  createdAt: Date;
  updatedAt: Date;
}

export const WebhookSchema = SchemaFactory.createForClass(Webhook);
WebhookSchema.index({ applicationId: 1, createdAt: 1 });
WebhookSchema.index({ applicationId: 1, slot: 1 }, { unique: true });
