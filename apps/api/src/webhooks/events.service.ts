import { Injectable } from '@nestjs/common';
import type { CustomerPrincipal } from '../../../../libs/auth/principal';
import { resourceId } from '../../../../libs/crypto/resource-ids';
import { EnvelopeError } from '../../../../libs/crypto/envelope';
import { CredentialsService, CryptoKeyUnusableError } from '../../../../libs/credentials/credentials.service';
import { jsonBodyProblem } from '../../../../libs/http/json-body';
import { oneIdempotencyKey } from '../../../../libs/http/idempotency-key';
import { invalidField } from '../../../../libs/http/validation';
import { EventIntake } from '../../../../libs/webhooks/event-intake.service';
import { ApplicationsService } from '../applications/applications.service';
import type { CreateEventDto, EventAcceptedResponse } from './dto/event.dto';
import { NotProvisionedError } from '../../../../libs/domain/errors';

/** Where `data` sits in the event's body: one level down from its root. */
const DATA_DEPTH = 1;

/** Accepting events: one atomic step, starting the event's dispatch workflow. */
@Injectable()
export class EventsService {
  constructor(
    private readonly intake: EventIntake,
    private readonly applications: ApplicationsService,
    private readonly credentials: CredentialsService,
  ) {}

  async accept(
    principal: CustomerPrincipal,
    appId: string,
    dto: CreateEventDto,
    idempotencyKeyHeader?: string,
  ): Promise<EventAcceptedResponse> {
    const idempotencyKey = oneIdempotencyKey(idempotencyKeyHeader, dto.idempotencyKey);
    const application = await this.applications.owned(principal, appId, { cached: true });
    if (application.status !== 'active') throw new NotProvisionedError(application._id);
    if (dto.data !== undefined && dto.encryptedData !== undefined) {
      throw invalidField('encryptedData', 'send either data or encryptedData, not both');
    }
    let data: unknown = dto.data ?? null;
    if (dto.encryptedData !== undefined) {
      try {
        data = await this.credentials.decrypt(application, dto.encryptedData);
      } catch (err) {
        if (err instanceof EnvelopeError || err instanceof CryptoKeyUnusableError)
          throw invalidField('encryptedData', err.message);
        throw err;
      }
      // What it opens to is `data`, sent another way: the rules for data apply to it, in their
      // order (the body's depth and numbers, then the shape).
      const problem = jsonBodyProblem(data, { field: 'encryptedData', depth: DATA_DEPTH });
      if (problem) throw problem;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw invalidField('encryptedData', 'must decrypt to a JSON object');
      }
    }
    const eventId = resourceId(
      'evt',
      idempotencyKey === undefined ? undefined : { scope: application._id, key: idempotencyKey },
    );
    await this.intake.accept({
      eventId,
      applicationId: application._id,
      eventType: dto.eventType,
      occurredAt: new Date().toISOString(),
      ...(dto.subject !== undefined ? { subject: dto.subject } : {}),
      data,
      requestedBy:
        principal.kind === 'workspace'
          ? { kind: 'workspace', id: principal.workspaceId }
          : { kind: 'system', id: application._id },
    });
    return { eventId };
  }
}
