import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { ACTOR_KINDS, ActorKind, ActorRef } from '../../domain/applications';

@Schema({ _id: false, versionKey: false })
export class Actor implements ActorRef {
  @Prop({ type: String, required: true, enum: ACTOR_KINDS }) kind: ActorKind;
  /** The workspace, or the schedule's ID; never a credential. */
  @Prop({ type: String, default: null }) id: string | null;
}
const ActorSchema = SchemaFactory.createForClass(Actor);

/** Who did what to an application, and when. Never key material. Kept when the application goes. */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEvent {
  /** Deterministic where a workflow writes it, so a retried activity records it once. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  workspaceId: string;

  @Prop({ required: true })
  applicationId: string;

  /** e.g. `application.created`, `crypto_key.rotated`, `credentials.read` */
  @Prop({ required: true })
  action: string;

  @Prop({ type: ActorSchema, required: true })
  actor: Actor;

  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  details: Record<string, unknown>;

  @Prop({ required: true })
  at: Date;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
AuditEventSchema.index({ applicationId: 1, at: -1, _id: -1 });
