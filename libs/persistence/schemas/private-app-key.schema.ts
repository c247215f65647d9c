import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SealedSecret, SealedSecretSchema } from './sealed-secret.schema';

/**
 * An application's Private App Key: looked up by the SHA-256 of the key (the _id), kept sealed so
 * the customer can read it again. Versions count up per application, unique: inserting version
 * n + 1 is what decides a regeneration, and it revokes every lower version.
 */
@Schema({ collection: 'private_app_keys', versionKey: false })
export class PrivateAppKey {
  /** SHA-256 (hex) of the key. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  applicationId: string;

  @Prop({ required: true })
  version: number;

  @Prop({ required: true })
  workspaceId: string;

  @Prop({ type: SealedSecretSchema, required: true })
  key: SealedSecret;

  @Prop({ required: true })
  createdAt: Date;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;
}

export const PrivateAppKeySchema = SchemaFactory.createForClass(PrivateAppKey);
PrivateAppKeySchema.index({ applicationId: 1, version: 1 }, { unique: true });
