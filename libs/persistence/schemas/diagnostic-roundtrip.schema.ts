import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * What a diagnostic roundtrip left behind: proof that a request went API -> Temporal -> worker ->
 * activity -> MongoDB. Kept a week (see the repository), for operators.
 */
@Schema({ collection: 'diagnostic_roundtrips', versionKey: false })
export class DiagnosticRoundtrip {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  workflowId: string;

  @Prop({ required: true })
  workflowRunId: string;

  /** The worker that ran the activity (Temporal's worker identity). */
  @Prop({ required: true })
  workerIdentity: string;

  @Prop({ required: true })
  requestedAt: Date;

  @Prop({ required: true, index: true })
  recordedAt: Date;
}

export type DiagnosticRoundtripDocument = HydratedDocument<DiagnosticRoundtrip>;
export const DiagnosticRoundtripSchema = SchemaFactory.createForClass(DiagnosticRoundtrip);
