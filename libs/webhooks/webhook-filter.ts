import { EventFilter, matchesEventFilter } from '../domain/event-filter';
import type { Webhook } from '../persistence/schemas/webhook.schema';

/** A webhook's payload filter, or null (none). */
export function webhookFilterOf(webhook: Pick<Webhook, 'filterJson'>): EventFilter | null {
  return webhook.filterJson ? (JSON.parse(webhook.filterJson) as EventFilter) : null;
}

/** Whether the webhook takes an event with this data: its filter matches, or it has none. */
export function webhookWants(webhook: Pick<Webhook, 'filterJson'>, data: unknown): boolean {
  const filter = webhookFilterOf(webhook);
  return filter === null || matchesEventFilter(filter, data);
}
