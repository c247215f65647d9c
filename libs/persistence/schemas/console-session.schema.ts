import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * What a console session, or a portal link, lets its holder see: the whole workspace, or one
 * application (a portal), with or without its keys.
 */
@Schema({ _id: false, versionKey: false })
export class PortalScope {
  @Prop({ required: true }) applicationId: string;
  /** Whether the Application ID's keys (Crypto Key, Private App Key) may be revealed. */
  @Prop({ required: true }) keys: boolean;
}
export const PortalScopeSchema = SchemaFactory.createForClass(PortalScope);

/**
 * A signed-in browser: the console's cookie carries a random ID, stored here only as its SHA-256.
 * Ends at `expiresAt`, or when revoked (sign-out, the workspace's API token rotated).
 */
@Schema({ collection: 'console_sessions', versionKey: false })
export class ConsoleSession {
  /** SHA-256 of the cookie's value. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true, index: true })
  workspaceId: string;

  /** Set for a session opened by a portal link: only this application is visible. */
  @Prop({ type: PortalScopeSchema, default: null })
  portal: PortalScope | null;

  @Prop({ required: true })
  createdAt: Date;

  @Prop({ required: true, index: true })
  expiresAt: Date;
}
export const ConsoleSessionSchema = SchemaFactory.createForClass(ConsoleSession);

/** A one-time link into the console for one application; only its code's SHA-256 is stored. */
@Schema({ collection: 'portal_links', versionKey: false })
export class PortalLink {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  workspaceId: string;

  @Prop({ type: PortalScopeSchema, required: true })
  portal: PortalScope;

  /** How long the session it opens lasts, in ms. */
  @Prop({ required: true })
  sessionTtlMs: number;

  @Prop({ required: true })
  createdAt: Date;

  @Prop({ required: true, index: true })
  expiresAt: Date;

  /** Set on links used before a use deleted them (see redeemLink): such a link opens nothing more. */
  @Prop({ type: Date, default: null })
  redeemedAt: Date | null;
}
export const PortalLinkSchema = SchemaFactory.createForClass(PortalLink);
