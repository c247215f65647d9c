import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
} as const;

export const SEARCH_ATTRIBUTE_NAMES = Object.keys(SearchAttributes) as (keyof typeof SearchAttributes)[];
