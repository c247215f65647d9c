import type { Environment } from '../../../../libs/config/environment';
import { CallerCache } from './caller-cache';

/** A load that resolves when told, counting how often it ran. */
function deferredLoad<T>(value: T) {
  const release: (() => void)[] = [];
  const load = jest.fn(() => new Promise<T>((resolve) => release.push(() => resolve(value))));
  return { load, releaseAll: () => release.splice(0).forEach((r) => r()) };
}

const cacheFor = (ttl: number) => new CallerCache({ API_CALLER_CACHE_TTL_MS: ttl } as Environment);

describe('CallerCache', () => {
  it('requests that miss together share one load, and later ones use what it kept', async () => {
    const cache = cacheFor(60_000);
    const { load, releaseAll } = deferredLoad({ id: 'w1' });
    const waiting = Array.from({ length: 20 }, () => cache.get('token:a', load));
    releaseAll();
    const values = await Promise.all(waiting);
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(values)).toEqual(new Set([{ id: 'w1' }]));
    expect(await cache.get('token:a', load)).toEqual({ id: 'w1' });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('what is not found or not to be kept is given to the requests waiting, then read again', async () => {
    const cache = cacheFor(60_000);
    const provisioning = deferredLoad({ status: 'provisioning' });
    const keepActive = (a: { status: string }) => a.status === 'active';
    const waiting = [
      cache.get('app:1', provisioning.load, keepActive),
      cache.get('app:1', provisioning.load, keepActive),
    ];
    provisioning.releaseAll();
    expect(await Promise.all(waiting)).toEqual([{ status: 'provisioning' }, { status: 'provisioning' }]);
    const missing = jest.fn(async () => null);
    expect(await cache.get('token:b', missing)).toBeNull();
    expect(await cache.get('token:b', missing)).toBeNull();
    expect(missing).toHaveBeenCalledTimes(2);
    const active = jest.fn(async () => ({ status: 'active' }));
    await cache.get('app:1', active, keepActive);
    expect(active).toHaveBeenCalledTimes(1);
  });

  it('after forgetAll, a load begun before it is neither shared nor kept', async () => {
    const cache = cacheFor(60_000);
    const before = deferredLoad({ revoked: false });
    const early = cache.get('token:c', before.load);
    cache.forgetAll();
    const after = jest.fn(async () => ({ revoked: true }));
    expect(await cache.get('token:c', after)).toEqual({ revoked: true });
    before.releaseAll();
    expect(await early).toEqual({ revoked: false });
    expect(await cache.get('token:c', after)).toEqual({ revoked: true });
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('with the cache off (a TTL of 0), every request reads', async () => {
    const cache = cacheFor(0);
    const load = jest.fn(async () => ({ id: 'w1' }));
    await Promise.all([cache.get('token:d', load), cache.get('token:d', load)]);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
