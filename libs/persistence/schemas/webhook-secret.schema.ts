import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SealedSecret, SealedSecretSchema } from './sealed-secret.schema';

export const WEBHOOK_SECRET_KINDS = ['signing', 'header'] as const;
export type WebhookSecretKind = (typeof WEBHOOK_SECRET_KINDS)[number];

/** A secret of a webhook, sealed: a signing secret (`whsec_…`) or a sensitive header value. */
@Schema({ collection: 'webhook_secrets', versionKey: false })
export class WebhookSecret {
  /** `<webhookId>:signing:<n>` or `<webhookId>:header:<name in lower case>` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  webhookId: string;

  @Prop({ type: String, required: true })
  kind: WebhookSecretKind;

  @Prop({ type: SealedSecretSchema, required: true })
  secret: SealedSecret;

  @Prop({ required: true })
  createdAt: Date;

  /** A previous signing secret stops signing then (the end of a rotation's overlap). */
  @Prop({ type: Date, default: null })
  expiresAt: Date | null;
}

export const WebhookSecretSchema = SchemaFactory.createForClass(WebhookSecret);
WebhookSecretSchema.index({ webhookId: 1, kind: 1, createdAt: -1 });
