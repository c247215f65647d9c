/** Workflow-safe types, constants and rules of webhooks (no runtime imports). */
import type { SealedEventData } from '../webhooks/event-data';
import type { ActorRef } from './applications';
import type { Turn } from './rate-limit';

export const APPLICANT_EVENT_TYPES = [
  'APPLICANT_CREATED',
  'APPLICANT_COMPLETED',
  'APPLICANT_DUPLICATE_DOCUMENT',
  'APPLICANT_VERIFICATION_STATUS_CHANGED',
] as const;
export const OPERATIONAL_EVENT_TYPES = [
  'WEBHOOK_ENDPOINT_DISABLED',
  'APPLICATION_CRYPTO_KEY_ROTATED',
  'WEBHOOK_TEST',
] as const;
export const EVENT_TYPES = [...APPLICANT_EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export const EVENT_TYPE_DESCRIPTIONS: Record<EventType, string> = {
  APPLICANT_CREATED: 'An applicant was created',
  APPLICANT_COMPLETED: 'An applicant finished the verification flow',
  APPLICANT_DUPLICATE_DOCUMENT: 'An applicant submitted a document already seen for another applicant',
  APPLICANT_VERIFICATION_STATUS_CHANGED: "An applicant's verification status changed",
  WEBHOOK_ENDPOINT_DISABLED: 'A webhook of the application was disabled after failing for too long',
  APPLICATION_CRYPTO_KEY_ROTATED: "The application's Crypto Key was rotated",
  WEBHOOK_TEST: 'A test event, sent on request to one webhook whatever its event types',
};

/**
 * Who an event is about (an applicant's ID): opaque to the service, stored in clear and a Temporal
 * search attribute, so an ID, never personal data itself. Letters, digits and `._:-`, 1 to 128,
 * and not dots alone: a subject is a URL path segment (`DELETE …/subjects/:subject`), where `.`
 * and `..` are dot-segments that clients resolve away (`…/subjects/..` becomes the application).
 */
export const SUBJECT_PATTERN = /^(?!\.+$)[A-Za-z0-9._:-]{1,128}$/;
export const SUBJECT_RULE =
  "subject must be 1 to 128 letters, digits, '.', '_', ':' or '-', not dots alone (an applicant's ID, not personal data)";

/**
 * How a webhook takes events: `none`, as they come (the fastest); `subject`, one at a time per
 * subject in the order the events were accepted (see deliverySequence).
 */
export const WEBHOOK_ORDERINGS = ['none', 'subject'] as const;
export type WebhookOrdering = (typeof WEBHOOK_ORDERINGS)[number];

/**
 * How a webhook's deliveries are signed (Standard Webhooks): `hmac-sha256` (`v1`, a shared
 * `whsec_` secret) or `ed25519` (`v1a`, a key pair: the receiver holds the `whpk_` public key).
 */
export const WEBHOOK_SIGNATURES = ['hmac-sha256', 'ed25519'] as const;
export type WebhookSignature = (typeof WEBHOOK_SIGNATURES)[number];
/** A webhook's signature scheme: webhooks stored before schemes existed sign with HMAC. */
export const signatureOf = (webhook: { signature?: WebhookSignature }): WebhookSignature =>
  webhook.signature ?? 'hmac-sha256';

/** Why an event's payload is gone: its application's retention ran out, or its subject was erased. */
export const PAYLOAD_ERASURES = ['retention', 'erasure'] as const;
export type PayloadErasure = (typeof PAYLOAD_ERASURES)[number];

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Delays before each attempt after the first, in ms: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

/** What a delivery workflow is given: IDs (and the sealed event, when the API started it); activities load the rest. */
export interface DeliveryInput {
  deliveryId: string;
  eventId: string;
  eventType: string;
  webhookId: string;
  applicationId: string;
  /** The event's subject, when it has one. */
  subject?: string;
  /** Delays between attempts, fixed when the delivery starts. */
  retryScheduleMs: number[];
  /** Which series of attempts: 1 for the first delivery, +1 for each retry of it. */
  series: number;
  /**
   * The event itself, in deliveries the API starts directly (no dispatch recorded it): their
   * first attempt records the event and opens the delivery.
   */
  event?: EventToRecord;
}

/** An event as a delivery's first attempt records it: its data sealed, never in clear. */
export interface EventToRecord {
  occurredAt: string;
  sealedData: SealedEventData;
}

/** One attempt, as the delivery workflow asks for it. */
export interface AttemptRequest {
  deliveryId: string;
  series: number;
  attempt: number;
  /** ISO 8601, the workflow's time: when the schedule said this attempt was due. */
  scheduledAt: string;
  /** No retry follows a failure of this attempt. */
  isLast: boolean;
  /**
   * What the delivery is of, from its input, so the attempt need not read the delivery. Absent in
   * requests of workflows started before it was added (then the delivery is read).
   */
  of?: Pick<DeliveryInput, 'eventId' | 'webhookId' | 'applicationId'>;
  /** The first attempt of a delivery the API started: it records the event and opens the delivery. */
  opening?: DeliveryOpening;
  /** The turn this attempt waited for (a rate-limited webhook's; see libs/webhooks/rate-limiter). */
  turn?: Turn;
}

/** What a delivery's first attempt records before anything else, when no dispatch did. */
export type DeliveryOpening = EventToRecord & Pick<DeliveryInput, 'eventType' | 'subject'>;

/** What one attempt came to. */
export interface AttemptOutcome {
  /**
   * stopped: failed, and no more attempts (410 Gone, or the webhook was just disabled); waiting:
   * not made yet, the webhook's rate limit gives it `turn` (no attempt spent).
   */
  result: 'succeeded' | 'failed' | 'stopped' | 'skipped' | 'waiting';
  statusCode: number | null;
  error: string | null;
  /** From a 429/503 Retry-After, within bounds; for `waiting`, how long until its turn. */
  retryAfterMs: number | null;
  /** The turn to wait for (waiting only). */
  turn?: Turn;
}

/**
 * Where a delivery stands after an attempt: ended by a success, a stop (410, the webhook just
 * disabled) or the last attempt's failure; cancelled when the attempt was skipped (the delivery,
 * its webhook or its application gone meanwhile); still pending while retries remain.
 */
export function statusAfterAttempt(outcome: AttemptOutcome, isLast: boolean): DeliveryStatus {
  if (outcome.result === 'succeeded') return 'succeeded';
  if (outcome.result === 'skipped') return 'cancelled';
  if (outcome.result === 'waiting') return 'pending';
  return outcome.result === 'stopped' || isLast ? 'failed' : 'pending';
}

export interface DeliveryState {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

export interface DispatchEventInput {
  eventId: string;
  applicationId: string;
  eventType: string;
  /** ISO 8601: when the event happened (the body's timestamp on every attempt). */
  occurredAt: string;
  /**
   * The event's data sealed (libs/webhooks/event-data.ts): under its subject's data key when it has
   * a subject, else the master key. Never in clear here.
   */
  sealedData?: SealedEventData;
  /** Only in dispatches started before data was sealed. */
  data?: unknown;
  /** Webhooks that must not get this event (the disabled webhook, for its own disabling event). */
  excludeWebhookIds?: string[];
  /** Only this webhook, whatever event types it takes (a test event). */
  onlyWebhookId?: string;
  /** Who the event is about, when the sender said (SUBJECT_PATTERN). */
  subject?: string;
  /**
   * Webhooks that take the event in its subject's sequence (ordering `subject`), as found when it
   * was accepted: their sequences have it in line, and the dispatch tells them its delivery.
   */
  orderedWebhookIds?: string[];
  requestedBy: ActorRef;
}

/** An event in line in a delivery sequence. */
export interface SequencedEvent {
  eventId: string;
  /** Its delivery once opened; null when it does not go to this webhook after all. */
  delivery?: DeliveryInput | null;
}

/** The deliveries of one webhook for one subject, one at a time (carried over continue-as-new). */
export interface DeliverySequenceInput extends SubjectRef {
  webhookId: string;
  line?: SequencedEvent[];
  /** The last events through the line, so that a repeated signal about one is ignored. */
  recent?: string[];
}

/** What a delivery sequence shows an operator (its `state` query). */
export interface DeliverySequenceState {
  waiting: number;
  head: SequencedEvent | null;
}

/** An event the service itself raises about an application (not one a client sent). */
export interface OperationalEvent {
  applicationId: string;
  eventType: OperationalEventType;
  data: Record<string, unknown>;
  /** Names the occurrence once and for all: a retried step raising it again raises the same event. */
  occurrence: string;
  excludeWebhookIds?: string[];
}

/** One batch of a webhook's recovery: retried, skipped (no longer failed, or being retried). */
export interface RecoveryBatch {
  retried: number;
  skipped: number;
  /** Where the next batch starts after; null when done. */
  lastId: string | null;
  /** Why the recovery ended early (the webhook was disabled or deleted meanwhile). */
  stopped?: string;
}

/** What a webhook's recovery did. */
export interface RecoveryResult {
  retried: number;
  skipped: number;
  stopped?: string;
}

/** What replaying a webhook's missed events asks: events accepted since `since` (ISO 8601). */
export interface ReplayInput {
  applicationId: string;
  webhookId: string;
  since: string;
}

/** Where a replay stands in the application's events, in acceptance order. */
export interface EventPosition {
  createdAt: string;
  id: string;
}

/** What a replay did with the events it looked at (one batch, or the whole call). */
export interface ReplayCounts {
  /** Events without a delivery to the webhook, now delivered. */
  opened: number;
  /** Events the webhook has (or had) a delivery of: nothing done. */
  delivered: number;
  /** Events its types or payload filter do not take (and test events to other webhooks). */
  notTaken: number;
  /** Events whose payload is gone (retention, or their subject erased): counted, not sent. */
  erased: number;
}

export interface ReplayBatch extends ReplayCounts {
  /** The last event looked at; null when none is left. */
  last: EventPosition | null;
  /** Why the replay ended early (the webhook was disabled or deleted meanwhile). */
  stopped?: string;
}

export interface ReplayResult extends ReplayCounts {
  /** More events remain past this call's bound: call again with this as `since`. */
  continueFrom?: string;
  stopped?: string;
}

/** What retention did (one batch, one application, or one run). */
export interface RetentionCounts {
  /** Events whose payload was erased (past `retention`). */
  payloadsErased: number;
  /** Attempts whose receiver's answer was erased with it. */
  answersErased: number;
  /** Past `metadataRetention`: events, deliveries and attempts deleted. */
  eventsDeleted: number;
  deliveriesDeleted: number;
  attemptsDeleted: number;
  /** Events due but left whole, a delivery of theirs still in progress. */
  keptInProgress: number;
}

export const noRetentionCounts = (): RetentionCounts => ({
  payloadsErased: 0,
  answersErased: 0,
  eventsDeleted: 0,
  deliveriesDeleted: 0,
  attemptsDeleted: 0,
  keptInProgress: 0,
});

/** Whether retention erased or deleted anything (what it only looked at and kept does not count). */
export const retentionChanged = ({ keptInProgress: _kept, ...changed }: RetentionCounts): boolean =>
  Object.values(changed).some((n) => n > 0);

/** Adds `more` into `into`. */
export function addRetentionCounts(into: RetentionCounts, more: RetentionCounts): RetentionCounts {
  for (const key of Object.keys(into) as (keyof RetentionCounts)[]) into[key] += more[key];
  return into;
}

/** Where a retention run is in an application's events (oldest first): after this one. */
export interface RetentionPosition {
  _id: string;
  /** ISO 8601 */
  createdAt: string;
}

export interface RetentionBatch {
  counts: RetentionCounts;
  /** Where the next batch starts after; null when the application is done. */
  next: RetentionPosition | null;
}

/** A retention run, as its schedule starts it ({}) or continue-as-new carries it over. */
export interface DataRetentionInput {
  /** ISO 8601: the run's "now", fixed for all of it. */
  at?: string;
  /** Applications up to this ID are done. */
  doneUpTo?: string;
  /** The application in progress: where in its events, and what was done to it so far. */
  current?: { applicationId: string; after: RetentionPosition | null; counts: RetentionCounts } | null;
  /** What the run did so far, in all. */
  totals?: RetentionCounts;
}

/** One subject of one application. */
export interface SubjectRef {
  applicationId: string;
  subject: string;
}

export interface SubjectErasureInput extends SubjectRef {
  requestedBy: ActorRef;
}

export interface SubjectErasureBatch {
  payloadsErased: number;
  answersErased: number;
  /** More of the subject's events may be left. */
  more: boolean;
}

/** What erasing a subject did. */
export interface SubjectErasureResult {
  /** Its data key existed and is destroyed (false: erased before, or no event about it since). */
  keyDestroyed: boolean;
  deliveriesCancelled: number;
  payloadsErased: number;
  answersErased: number;
}

/**
 * Payloads written before webhook endpoints were called webhooks in code (`endpointId`,
 * `excludeEndpointIds`): recorded and running workflows' histories still carry them, so workflows
 * and activities read those fields through these, never directly.
 */
export type Recorded<T> = T & { endpointId?: string; excludeEndpointIds?: string[] };

/** A delivery workflow's input as recorded, in today's shape. */
export function deliveryInputOf(recorded: Recorded<DeliveryInput>): DeliveryInput {
  return recorded.webhookId === undefined ? { ...recorded, webhookId: recorded.endpointId! } : recorded;
}

/** The webhooks an event must not go to, as recorded. */
export function excludedWebhooksOf(recorded: Recorded<{ excludeWebhookIds?: string[] }>): string[] {
  return recorded.excludeWebhookIds ?? recorded.excludeEndpointIds ?? [];
}

/** The webhook a recovery is about, as recorded. */
export function recoveredWebhookOf(recorded: Recorded<{ webhookId?: string }>): string {
  return (recorded.webhookId ?? recorded.endpointId)!;
}
