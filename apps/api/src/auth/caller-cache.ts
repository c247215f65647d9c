import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Environment } from '../../../../libs/config/environment';

const CACHED_CALLERS = 10_000;

/**
 * What the API reads about its caller on every request (the principal a token names, the
 * application an event is for), kept at most API_CALLER_CACHE_TTL_MS so that a stream of events
 * costs no reads but the subscribed webhooks. A revoked token, a regenerated Private App Key or a
 * deleted application is refused by this process at once (it forgets everything when it changes
 * one), and by every other API process within the bound. Only what was found is kept: a new token
 * works at once.
 */
@Injectable()
export class CallerCache {
  private readonly entries: LRUCache<string, object> | null;
  /** Loads under way: requests that miss together share one (an entry expiring under load is read once). */
  private readonly loading = new Map<string, Promise<object | null>>();
  /** Loads that began before the last forgetAll() must not put back what it forgot. */
  private generation = 0;

  constructor(env: Environment) {
    this.entries =
      env.API_CALLER_CACHE_TTL_MS > 0
        ? new LRUCache<string, object>({ max: CACHED_CALLERS, ttl: env.API_CALLER_CACHE_TTL_MS })
        : null;
  }

  /** The value under `key`, loaded when not known; kept when found (and when `keep` says so). */
  async get<T extends object>(
    key: string,
    load: () => Promise<T | null>,
    keep: (value: T) => boolean = () => true,
  ): Promise<T | null> {
    if (!this.entries) return load();
    const known = this.entries.get(key) ?? this.loading.get(key);
    if (known) return known as Promise<T | null> | T;
    const generation = this.generation;
    const loaded = load().then((value) => {
      if (value && keep(value) && generation === this.generation) this.entries?.set(key, value);
      return value;
    });
    this.loading.set(key, loaded);
    const forgetLoad = () => {
      if (this.loading.get(key) === loaded) this.loading.delete(key);
    };
    loaded.then(forgetLoad, forgetLoad);
    return loaded;
  }

  /** After this process changed a credential or an application: nothing read before is used again. */
  forgetAll(): void {
    this.generation++;
    this.entries?.clear();
    // What is being read now may be from before the change: later requests read again.
    this.loading.clear();
  }
}
