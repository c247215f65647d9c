import type { Envelope } from '../crypto/envelope';
import { webhookHeaders } from './signing';

export const USER_AGENT = 'applications-webhooks/0.1 (Standard Webhooks; +https://www.standardwebhooks.com)';

/** The body every attempt of an event sends: the same on every attempt and retry. */
export function webhookBody(event: {
  id: string;
  type: string;
  occurredAt: Date;
  applicationId: string;
  /** Only events that have one carry it: bodies of events without stay as they were. */
  subject?: string | null;
  data?: unknown;
  encryptedData?: Envelope;
}): string {
  const { id, type, occurredAt, applicationId } = event;
  const about = event.subject ? { subject: event.subject } : {};
  const payload = event.encryptedData ? { encryptedData: event.encryptedData } : { data: event.data ?? null };
  return JSON.stringify({
    id,
    type,
    timestamp: occurredAt.toISOString(),
    applicationId,
    ...about,
    ...payload,
  });
}

/** Headers of one attempt: the webhook's own, then ours, which custom ones can never override. */
export function webhookRequestHeaders(
  custom: Record<string, string>,
  signing: { secrets: string[]; id: string; timestampSeconds: number; body: string },
): Record<string, string> {
  return {
    ...custom,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...webhookHeaders(signing.secrets, signing.id, signing.timestampSeconds, signing.body),
  };
}
