import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { CRYPTO_KEY_STATUSES, CryptoKeyStatus } from '../../domain/applications';
import { SealedSecret, SealedSecretSchema } from './sealed-secret.schema';

/** One version of an application's Crypto Key; the material is sealed under the master key. */
@Schema({ collection: 'crypto_keys', versionKey: false })
export class CryptoKey {
  /** `<applicationId>:<version>` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  applicationId: string;

  @Prop({ required: true })
  version: number;

  @Prop({ type: SealedSecretSchema, required: true })
  material: SealedSecret;

  @Prop({ type: String, required: true, enum: CRYPTO_KEY_STATUSES })
  status: CryptoKeyStatus;

  @Prop({ required: true })
  createdAt: Date;

  /** While retiring: when the grace window ends (the rotation workflow's timer revokes it then). */
  @Prop({ type: Date, default: null })
  retiringUntil: Date | null;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;

  /** The workflow run that created this version: makes a retried creation a no-op. */
  @Prop({ required: true })
  createdBy: string;
}

export const CryptoKeySchema = SchemaFactory.createForClass(CryptoKey);
CryptoKeySchema.index({ applicationId: 1, version: 1 }, { unique: true });
CryptoKeySchema.index({ applicationId: 1, createdBy: 1 });
