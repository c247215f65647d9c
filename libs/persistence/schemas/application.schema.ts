import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  APPLICATION_MODES,
  APPLICATION_STATUSES,
  ApplicationMode,
  ApplicationStatus,
  ENCRYPTION_METHODS,
  EncryptionMethod,
} from '../../domain/applications';

@Schema({ _id: false, versionKey: false })
export class CryptoKeyRotationSettings {
  @Prop({ required: true }) everyMs: number;
  @Prop({ required: true }) graceWindowMs: number;
}
const CryptoKeyRotationSettingsSchema = SchemaFactory.createForClass(CryptoKeyRotationSettings);

@Schema({ _id: false, versionKey: false })
export class RetentionSettings {
  @Prop({ required: true }) payloadsMs: number;
  @Prop({ required: true }) metadataMs: number;
}
const RetentionSettingsSchema = SchemaFactory.createForClass(RetentionSettings);

/** A customer's application. Its keys live in crypto_keys and private_app_keys. */
@Schema({ collection: 'applications', versionKey: false, timestamps: true })
export class Application {
  /** The Application ID (`app_…`), chosen before provisioning starts: the workflow ID names it. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  workspaceId: string;

  @Prop({ required: true })
  name: string;

  /** The name folded for uniqueness (trimmed, lower case): unique in the workspace. */
  @Prop({ required: true })
  nameKey: string;

  @Prop({ type: String, default: null })
  description: string | null;

  @Prop({ type: String, default: null })
  redirectUrl: string | null;

  @Prop({ type: String, required: true, enum: ENCRYPTION_METHODS })
  encryptionMethod: EncryptionMethod;

  @Prop({ type: String, required: true, enum: APPLICATION_MODES })
  mode: ApplicationMode;

  @Prop({ type: String, required: true, enum: APPLICATION_STATUSES })
  status: ApplicationStatus;

  @Prop({ type: CryptoKeyRotationSettingsSchema, default: null })
  cryptoKeyRotation: CryptoKeyRotationSettings | null;

  /** Webhooks carry `encryptedData` (an envelope made with the Crypto Key) instead of `data`. */
  @Prop({ required: true, default: false })
  encryptWebhooks: boolean;

  /** How long webhook data is kept; null (or absent, in applications made before): the defaults. */
  @Prop({ type: RetentionSettingsSchema, default: null })
  retention: RetentionSettings | null;

  /** The Crypto Key version data is encrypted with now; null until provisioned. */
  @Prop({ type: Number, default: null })
  currentCryptoKeyVersion: number | null;

  createdAt: Date;
  updatedAt: Date;
}

export const ApplicationSchema = SchemaFactory.createForClass(Application);
ApplicationSchema.index({ workspaceId: 1, nameKey: 1 }, { unique: true });
ApplicationSchema.index({ workspaceId: 1, createdAt: -1, _id: -1 });
