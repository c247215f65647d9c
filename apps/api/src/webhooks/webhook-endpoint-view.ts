import { formatDuration } from '../../../../libs/domain/duration';
import { retrySchedule } from '../../../../libs/domain/retry-policy';
import type { WebhookEndpoint } from '../../../../libs/persistence/schemas/webhook-endpoint.schema';
import { maskHeaderValue } from '../../../../libs/webhooks/custom-headers';
import type { WebhookEndpointResponse } from './dto/webhook-endpoint.dto';

/** What the API shows of an endpoint: sensitive header values masked, no secrets. */
export function webhookEndpointView(
  endpoint: WebhookEndpoint,
  sensitiveValues: Record<string, string> = {},
): WebhookEndpointResponse {
  return {
    id: endpoint._id,
    applicationId: endpoint.applicationId,
    name: endpoint.name,
    url: endpoint.url,
    headers: endpoint.headers.map((h) => ({
      key: h.key,
      value: h.sensitive ? maskHeaderValue(sensitiveValues[h.key] ?? '') : (h.value ?? ''),
    })),
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    retryPolicy: { schedule: retrySchedule(endpoint.retryPolicy).map(formatDuration) },
    createdAt: endpoint.createdAt.toISOString(),
  };
}
