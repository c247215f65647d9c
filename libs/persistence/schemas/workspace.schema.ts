import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A customer's workspace: owns applications; its API token authenticates the management API. */
@Schema({ collection: 'workspaces', versionKey: false, timestamps: true })
export class Workspace {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  name: string;

  /** SHA-256 of the current API token; the token itself is never stored. */
  @Prop({ required: true, unique: true })
  apiTokenHash: string;

  @Prop({ required: true })
  apiTokenIssuedAt: Date;

  createdAt: Date;
  updatedAt: Date;
}

export const WorkspaceSchema = SchemaFactory.createForClass(Workspace);
