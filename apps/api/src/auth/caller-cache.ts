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
    const known = this.entries?.get(key);
    if (known) return known as T;
    const generation = this.generation;
    const value = await load();
    if (value && keep(value) && generation === this.generation) this.entries?.set(key, value);
    return value;
  }

  /** After this process changed a credential or an application: nothing read before is used again. */
  forgetAll(): void {
    this.generation++;
    this.entries?.clear();
  }
}
