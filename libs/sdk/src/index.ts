// The applications-and-webhooks SDK: a typed client of the API, and what receivers need.
export { Client, type ClientOptions, type EventToSend, type Schemas } from './client.ts';
export { ApiError, type ApiErrorBody } from './errors.ts';
export {
  openEncryptedData,
  verifyWebhook,
  WebhookVerificationError,
  type EncryptedEnvelope,
  type VerifyOptions,
  type WebhookHeaders,
} from './receiver.ts';
export type { components, operations, paths } from './schema.js';
