import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { SealedSecret as Sealed } from '../../crypto/master-keyring';

/** A secret sealed under the master key (see MasterKeyring); embedded where a secret is stored. */
@Schema({ _id: false, versionKey: false })
export class SealedSecret implements Sealed {
  @Prop({ required: true }) mk: string;
  @Prop({ required: true }) iv: string;
  @Prop({ required: true }) ct: string;
  @Prop({ required: true }) tag: string;
}

export const SealedSecretSchema = SchemaFactory.createForClass(SealedSecret);
