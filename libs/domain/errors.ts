/**
 * Errors of the domain, raised by the API and the worker alike. Each has a stable code and says
 * what it means to the caller (`kind`); only the HTTP layer turns a kind into a status, so a
 * worker never throws an HTTP error.
 */
export type DomainErrorKind = 'conflict' | 'not-found' | 'invalid';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;
}

/** A delivery cannot be retried: its webhook is disabled or deleted. */
export class WebhookDisabledError extends DomainError {
  readonly code = 'WEBHOOK_DISABLED';
  readonly kind = 'conflict';
  override name = 'WebhookDisabledError';

  constructor(readonly webhookId: string) {
    super(`Webhook ${webhookId} is disabled or deleted: re-enable it (PATCH enabled: true) first`);
  }
}

/** A delivery cannot be made again: its event's payload is gone (retention, or its subject erased). */
export class PayloadErasedError extends DomainError {
  readonly code = 'PAYLOAD_ERASED';
  readonly kind = 'conflict';
  override name = 'PayloadErasedError';

  constructor(
    readonly deliveryId: string,
    readonly by: string,
  ) {
    super(
      `Delivery ${deliveryId} cannot be retried: its event's payload was erased (${by === 'retention' ? "past the application's retention" : 'its subject was erased'})`,
    );
  }
}

/** A delivery cannot be retried while it is still being attempted. */
export class DeliveryInProgressError extends DomainError {
  readonly code = 'DELIVERY_IN_PROGRESS';
  readonly kind = 'conflict';
  override name = 'DeliveryInProgressError';

  constructor(readonly deliveryId: string) {
    super(`Delivery ${deliveryId} is still being attempted`);
  }
}

/** The application has no keys yet: provisioning has not finished. */
export class NotProvisionedError extends DomainError {
  readonly code = 'NOT_PROVISIONED';
  readonly kind = 'conflict';
  override name = 'NotProvisionedError';

  constructor(readonly applicationId: string) {
    super(
      `Application ${applicationId} is still being provisioned: its keys exist once its status is active`,
    );
  }
}

/** The webhook is gone (deleted while the request ran). */
export class WebhookNotFoundError extends DomainError {
  readonly code = 'WEBHOOK_NOT_FOUND';
  readonly kind = 'not-found';
  override name = 'WebhookNotFoundError';

  constructor(readonly webhookId: string) {
    super(`No webhook ${webhookId} in this application`);
  }
}
