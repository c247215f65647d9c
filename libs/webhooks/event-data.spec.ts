import { randomBytes } from 'node:crypto';
import { MasterKeyError, MasterKeyring } from '../crypto/master-keyring';
import { openEventData, sealEventData } from './event-data';

describe('event data sealing', () => {
  const keyring = new MasterKeyring(randomBytes(32));
  const data = { applicantId: 'appl_1', status: 'GREEN', nested: { list: [1, 2] } };

  it('opens what it sealed, and the sealed form does not show the data', () => {
    const sealed = sealEventData(keyring, 'evt_1', data);
    expect(JSON.stringify(sealed)).not.toContain('appl_1');
    expect(openEventData(keyring, { _id: 'evt_1', data: sealed })).toEqual(data);
    expect(
      openEventData(keyring, { _id: 'evt_2', data: sealEventData(keyring, 'evt_2', undefined) }),
    ).toBeNull();
  });

  it("refuses to open one event's data as another's", () => {
    const sealed = sealEventData(keyring, 'evt_1', data);
    expect(() => openEventData(keyring, { _id: 'evt_2', data: sealed })).toThrow(MasterKeyError);
  });

  it('passes through the data of events stored before sealing', () => {
    expect(openEventData(keyring, { _id: 'evt_old', data })).toEqual(data);
    expect(openEventData(keyring, { _id: 'evt_old', data: null })).toBeNull();
  });
});
