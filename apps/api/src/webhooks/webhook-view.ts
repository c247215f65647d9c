import { formatDuration } from '../../../../libs/domain/duration';
import { retrySchedule } from '../../../../libs/domain/retry-policy';
import { signatureOf } from '../../../../libs/domain/webhooks';
import { webhookFilterOf } from '../../../../libs/webhooks/webhook-filter';
import type { Webhook } from '../../../../libs/persistence/schemas/webhook.schema';
import { isSensitiveHeader, maskHeaderValue } from '../../../../libs/webhooks/custom-headers';
import type { WebhookResponse } from './dto/webhook.dto';

/** What the API shows of a webhook: sensitive header values masked, no secrets. */
export function webhookView(
  webhook: Webhook,
  sensitiveValues: Record<string, string> = {},
  waitingForTurn = 0,
): WebhookResponse {
  return {
    id: webhook._id,
    applicationId: webhook.applicationId,
    name: webhook.name,
    url: webhook.url,
    headers: webhook.headers.map((h) => ({
      key: h.key,
      // Sealed values, and values stored in clear before the rule counted their name as sensitive.
      value: h.sensitive
        ? maskHeaderValue(sensitiveValues[h.key] ?? '')
        : isSensitiveHeader(h.key)
          ? maskHeaderValue(h.value ?? '')
          : (h.value ?? ''),
    })),
    eventTypes: webhook.eventTypes,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    ordering: webhook.ordering ?? 'none',
    failingSince: webhook.failingSince?.toISOString() ?? null,
    retryPolicy: { schedule: retrySchedule(webhook.retryPolicy).map(formatDuration) },
    filter: webhookFilterOf(webhook),
    signature: signatureOf(webhook),
    rateLimit: webhook.rateLimit ? { count: webhook.rateLimit.count, per: webhook.rateLimit.per } : null,
    waitingForTurn,
    createdAt: webhook.createdAt.toISOString(),
  };
}
