import { MasterKeyring, sealContext, SealedSecret } from '../crypto/master-keyring';

/**
 * An event's data, sealed under the master key as soon as it is accepted: workflow inputs and
 * histories, and the stored event, carry only the sealed form (it may hold personal data). The
 * same sealed value goes from the API through the dispatch workflow into MongoDB unchanged.
 */
const context = (eventId: string) => sealContext(eventId, 'data');

export function sealEventData(keyring: MasterKeyring, eventId: string, data: unknown): SealedSecret {
  return keyring.seal(Buffer.from(JSON.stringify(data ?? null), 'utf8'), context(eventId));
}

const isSealed = (value: unknown): value is SealedSecret =>
  typeof value === 'object' &&
  value !== null &&
  ['mk', 'iv', 'ct', 'tag'].every((k) => typeof (value as Record<string, unknown>)[k] === 'string');

/** The data of a stored event; events accepted before sealing hold theirs as it came. */
export function openEventData(keyring: MasterKeyring, event: { _id: string; data: unknown }): unknown {
  return isSealed(event.data)
    ? JSON.parse(keyring.open(event.data, context(event._id)).toString('utf8'))
    : event.data;
}
