import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { DeliveryInput } from '../domain/webhooks';

/**
 * The custom search attributes an operator filters by in the Temporal UI. Their values are stored
 * in clear by Temporal: IDs and types only, never PII or secrets.
 */
export const SearchAttributes = {
  ApplicationId: defineSearchAttributeKey('ApplicationId', SearchAttributeType.KEYWORD),
  WebhookId: defineSearchAttributeKey('WebhookId', SearchAttributeType.KEYWORD),
  EventType: defineSearchAttributeKey('EventType', SearchAttributeType.KEYWORD),
  EventId: defineSearchAttributeKey('EventId', SearchAttributeType.KEYWORD),
  DeliveryStatus: defineSearchAttributeKey('DeliveryStatus', SearchAttributeType.KEYWORD),
  /** Who an event is about (an applicant's ID, never personal data itself). */
  Subject: defineSearchAttributeKey('Subject', SearchAttributeType.KEYWORD),
} as const;

export const SEARCH_ATTRIBUTE_NAMES = Object.keys(SearchAttributes) as (keyof typeof SearchAttributes)[];

/**
 * The search attributes of a delivery workflow at its start: how an operator finds it in the
 * Temporal UI. DeliveryStatus comes later, and only to a delivery that did not succeed at once.
 */
export function deliverySearchAttributes(input: DeliveryInput) {
  return [
    { key: SearchAttributes.ApplicationId, value: input.applicationId },
    { key: SearchAttributes.WebhookId, value: input.webhookId },
    { key: SearchAttributes.EventType, value: input.eventType },
    { key: SearchAttributes.EventId, value: input.eventId },
    ...subjectSearchAttribute(input.subject),
  ];
}

/** The Subject search attribute, for workflows of an event that has one. */
export const subjectSearchAttribute = (subject: string | undefined) =>
  subject ? [{ key: SearchAttributes.Subject, value: subject }] : [];
