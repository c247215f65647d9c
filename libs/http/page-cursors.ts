import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MasterKeyring } from '../crypto/master-keyring';
import { invalidField } from './validation';

/** A position in a list, as keysetPage takes and returns it. */
interface Position {
  at: Date;
  id: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 16;

/** Base64url that decodes to exactly these bytes and back: one spelling per cursor. */
function strictBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * Page cursors that clients pass back opaque: the position, MAC'd (HMAC-SHA256 under a key derived
 * from the master key) together with the list it belongs to and that list's scope (the workspace or
 * application), so a cursor that was forged, altered, or issued for another list is a 400 naming
 * `cursor`. Cursors end with the master key that made them (they are not meant to last).
 */
@Injectable()
export class PageCursors {
  private readonly key: Buffer;

  constructor(keyring: MasterKeyring) {
    this.key = keyring.derive('page cursors');
  }

  /** One page of a list: the cursor read, the page fetched after it, the next cursor made. */
  async page<T>(
    list: { name: string; scope: string },
    query: { limit?: number; cursor?: string },
    fetch: (options: { limit: number; after?: Position }) => Promise<{ items: T[]; next: Position | null }>,
  ): Promise<{ items: T[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : this.read(list, query.cursor);
    const { items, next } = await fetch({ limit: query.limit ?? 20, after });
    return { items, nextCursor: next && this.cursorAt(list, next) };
  }

  private mac(list: { name: string; scope: string }, payload: string): Buffer {
    return createHmac('sha256', this.key)
      .update(`${list.name}\n${list.scope}\n${payload}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }

  /** The cursor that resumes a list after a position (benchmarks make deep ones without reading). */
  cursorAt(list: { name: string; scope: string }, { at, id }: Position): string {
    const payload = Buffer.from(`${at.toISOString()}|${id}`, 'utf8').toString('base64url');
    return `${payload}.${this.mac(list, payload).toString('base64url')}`;
  }

  private read(list: { name: string; scope: string }, cursor: string): Position {
    const refused = invalidField('cursor', 'is not a nextCursor this list returned: start again without one');
    const [payload, tag, ...rest] = cursor.split('.');
    const bytes = payload === undefined ? undefined : strictBase64url(payload);
    const mac = tag === undefined ? undefined : strictBase64url(tag);
    if (rest.length > 0 || !bytes || !mac || mac.length !== MAC_BYTES) throw refused;
    if (!timingSafeEqual(mac, this.mac(list, payload))) throw refused;
    const [iso, id] = bytes.toString('utf8').split('|');
    const at = new Date(iso);
    if (!id || Number.isNaN(at.getTime())) throw refused;
    return { at, id };
  }
}
