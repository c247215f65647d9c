import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * An hour in which a delivery of the application failed (its last attempt's hour), noted before
 * the write that fails it. The failed view reads the application's hours, newest first, and each
 * hour's failed deliveries by equality (`failedHour`), which every MongoDB-protocol store serves
 * from an index, FerretDB included: its first page costs the same at 10,000 stored deliveries as
 * at a million. An hour whose failures were all retried since stays listed, empty, until retention.
 */
@Schema({ collection: 'failed_delivery_hours', versionKey: false })
export class FailedDeliveryHour {
  /** `<applicationId>:<hour>`: noting an hour again is a duplicate, not a second record. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  applicationId: string;

  /** Whole hours since the Unix epoch (UTC). */
  @Prop({ required: true })
  hour: number;
}

export const FailedDeliveryHourSchema = SchemaFactory.createForClass(FailedDeliveryHour);
FailedDeliveryHourSchema.index({ applicationId: 1 });

export const HOUR_MS = 3_600_000;
/** The hour (`failedHour`) of an instant. */
export const hourOf = (at: Date): number => Math.floor(at.getTime() / HOUR_MS);
