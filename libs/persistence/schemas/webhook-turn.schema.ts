import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The two lines of a rate-limited webhook (libs/webhooks/rate-limiter.ts): requests sent, deliveries queued. */
export const SLOT_LINES = ['sent', 'turn'] as const;

/**
 * A slot in one of a rate-limited webhook's lines: its n-th request (`sent`) or queued delivery
 * (`turn`) goes at `at`. Taken by inserting it (`<webhookId>:<line>:<n>`), the one write FerretDB
 * v1 decides atomically; never changed after. Beside each line's slots, one `<webhookId>:<line>:head`
 * document holds a recent n (a hint of where the line ends: never ahead of it, maybe behind).
 */
@Schema({ collection: 'webhook_turns', versionKey: false })
export class WebhookTurn {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  webhookId: string;

  @Prop({ type: String, required: true, enum: SLOT_LINES })
  line: (typeof SLOT_LINES)[number];

  @Prop({ required: true })
  n: number;

  /** When the slot goes (absent in the head). */
  @Prop({ type: Date })
  at?: Date;
}

export const WebhookTurnSchema = SchemaFactory.createForClass(WebhookTurn);
WebhookTurnSchema.index({ webhookId: 1 });
