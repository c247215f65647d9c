import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/**
 * A decision taken once: the first insert under `_id` wins it (see ClaimsRepository). It names
 * what it decides (`delivery-series:<deliveryId>:<series>`), who took it, and when.
 */
@Schema({ collection: 'claims', versionKey: false })
export class Claim {
  @Prop({ type: String, required: true })
  _id: string;

  /** An ID of the request or process that took it: a holder can release its own claim only. */
  @Prop({ required: true })
  holder: string;

  @Prop({ required: true })
  at: Date;

  /** What the winner decided, for the others to read (never a secret in clear). */
  @Prop({ type: SchemaTypes.Mixed, default: null })
  value: Record<string, unknown> | null;
}

export const ClaimSchema = SchemaFactory.createForClass(Claim);
