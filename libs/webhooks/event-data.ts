import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  Ciphertext,
  MasterKeyring,
  openWithKey,
  sealContext,
  SealedSecret,
  sealWithKey,
} from '../crypto/master-keyring';
import { SubjectKeysRepository } from '../persistence/repositories/subject-keys.repository';
import type { SubjectKey } from '../persistence/schemas/subject-key.schema';

/**
 * An event's data is sealed as soon as it is accepted: workflow inputs and histories, and the
 * stored event, carry only the sealed form (it may hold personal data). The same sealed value goes
 * from the API through the dispatch workflow into MongoDB unchanged. An event about a subject is
 * sealed under that subject's data key, so that erasing the subject (deleting its key) leaves its
 * data unreadable everywhere it went; any other under the master key.
 */
const context = (eventId: string) => sealContext(eventId, 'data');

/** Sealed under a subject's data key, which `sk` names. */
export interface SubjectSealed extends Ciphertext {
  sk: string;
}

export type SealedEventData = SealedSecret | SubjectSealed;

const plaintext = (data: unknown) => Buffer.from(JSON.stringify(data ?? null), 'utf8');
const parsed = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));

export function sealEventData(keyring: MasterKeyring, eventId: string, data: unknown): SealedSecret {
  return keyring.seal(plaintext(data), context(eventId));
}

const hasCiphertext = (value: unknown): value is Ciphertext =>
  typeof value === 'object' &&
  value !== null &&
  ['iv', 'ct', 'tag'].every((k) => typeof (value as Record<string, unknown>)[k] === 'string');
const isMasterSealed = (value: unknown): value is SealedSecret =>
  hasCiphertext(value) && typeof (value as { mk?: unknown }).mk === 'string';
const isSubjectSealed = (value: unknown): value is SubjectSealed =>
  hasCiphertext(value) && typeof (value as { sk?: unknown }).sk === 'string';

/** The data of a stored event not sealed under a subject key; events accepted before sealing hold theirs as it came. */
export function openEventData(keyring: MasterKeyring, event: { _id: string; data: unknown }): unknown {
  return isMasterSealed(event.data) ? parsed(keyring.open(event.data, context(event._id))) : event.data;
}

/** Sealing and opening events' data, with the subjects' data keys. */
@Injectable()
export class EventSealing {
  constructor(
    private readonly keyring: MasterKeyring,
    private readonly keys: SubjectKeysRepository,
  ) {}

  /** Seals an event's data: under its subject's key (made on the subject's first event), else the master key. */
  async seal(
    event: { eventId: string; applicationId: string; subject?: string },
    data: unknown,
  ): Promise<SealedEventData> {
    if (!event.subject) return sealEventData(this.keyring, event.eventId, data);
    const stored =
      (await this.keys.find(event.applicationId, event.subject)) ??
      (await this.keys.insertOrFind({
        applicationId: event.applicationId,
        subject: event.subject,
        keyId: randomBytes(12).toString('base64url'),
        key: this.keyring.seal(
          randomBytes(32),
          sealContext(`${event.applicationId}:${event.subject}`, 'key'),
        ),
        createdAt: new Date(),
      }));
    return {
      sk: stored.keyId,
      ...sealWithKey(this.material(stored), plaintext(data), context(event.eventId)),
    };
  }

  /** A stored event's data; null when it can no longer be read: its subject was erased. */
  async open(event: {
    _id: string;
    applicationId: string;
    subject?: string | null;
    data: unknown;
  }): Promise<{ data: unknown } | null> {
    if (!isSubjectSealed(event.data)) return { data: openEventData(this.keyring, event) };
    const stored = event.subject ? await this.keys.find(event.applicationId, event.subject) : null;
    if (stored?.keyId !== event.data.sk) return null;
    return { data: parsed(openWithKey(this.material(stored), event.data, context(event._id))) };
  }

  private material(stored: SubjectKey): Buffer {
    return this.keyring.open(stored.key, sealContext(stored._id, 'key'));
  }
}
