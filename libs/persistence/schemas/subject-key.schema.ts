import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SealedSecret, SealedSecretSchema } from './sealed-secret.schema';

/**
 * The data key of one subject of an application: the data of every event about the subject is
 * sealed under it. Erasing the subject deletes it, which leaves that data unreadable everywhere it
 * went (MongoDB, Temporal histories); a later event about the subject gets a new key.
 */
@Schema({ collection: 'subject_keys', versionKey: false })
export class SubjectKey {
  /** `<applicationId>:<subject>` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  applicationId: string;

  @Prop({ required: true })
  subject: string;

  /** Names this key in what it sealed (`sk`): a key made after an erasure has another. */
  @Prop({ required: true })
  keyId: string;

  /** 32 random bytes, sealed under the master key. */
  @Prop({ type: SealedSecretSchema, required: true })
  key: SealedSecret;

  @Prop({ required: true })
  createdAt: Date;
}

export const SubjectKeySchema = SchemaFactory.createForClass(SubjectKey);
SubjectKeySchema.index({ applicationId: 1 });
