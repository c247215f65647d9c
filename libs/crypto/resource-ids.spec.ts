import { resourceId } from './resource-ids';

describe('resourceId', () => {
  it('names the same resource for the same Idempotency-Key in the same scope, and only there', () => {
    const id = resourceId('evt', { scope: 'app_1', key: 'k-1' });
    expect(id).toMatch(/^evt_[0-9A-Za-z]{1,22}$/);
    expect(resourceId('evt', { scope: 'app_1', key: 'k-1' })).toBe(id);
    expect(resourceId('evt', { scope: 'app_2', key: 'k-1' })).not.toBe(id);
    expect(resourceId('evt', { scope: 'app_1', key: 'k-2' })).not.toBe(id);
  });

  it('is random without one', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => resourceId('app')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^app_[0-9A-Za-z]{1,22}$/);
  });
});
