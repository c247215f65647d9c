import { randomBytes } from 'node:crypto';
import { MasterKeyring } from '../crypto/master-keyring';
import { ApiError } from './api-error';
import { PageCursors } from './page-cursors';

describe('PageCursors', () => {
  const cursors = new PageCursors(new MasterKeyring(randomBytes(32)));
  const list = { name: 'deliveries', scope: 'app_1' };
  const position = { at: new Date('2026-11-20T10:00:00.000Z'), id: 'evt_a:wh_b' };
  const fetchAfter = (seen: unknown[]) => async (options: { limit: number; after?: unknown }) => {
    seen.push(options);
    return { items: [1], next: position };
  };

  it('reads back the position it made, for the same list and scope', async () => {
    const seen: unknown[] = [];
    const cursor = cursors.cursorAt(list, position);
    const page = await cursors.page(list, { cursor, limit: 5 }, fetchAfter(seen));
    expect(seen).toEqual([{ limit: 5, after: position }]);
    expect(page.nextCursor).toBe(cursor);
  });

  it.each([
    ['another list', { name: 'failed-deliveries', scope: 'app_1' }],
    ['another scope', { name: 'deliveries', scope: 'app_2' }],
  ])('refuses a cursor of %s with a 400 naming cursor', async (_, other) => {
    const cursor = cursors.cursorAt(other, position);
    await expect(cursors.page(list, { cursor }, fetchAfter([]))).rejects.toMatchObject({
      status: 400,
      response: { code: 'VALIDATION_FAILED', details: [{ field: 'cursor' }] },
    });
  });

  it('refuses forged, altered and malformed cursors', async () => {
    const genuine = cursors.cursorAt(list, position);
    const forged = Buffer.from(`${position.at.toISOString()}|${position.id}`).toString('base64url');
    const flipped = genuine.slice(0, -1) + (genuine.endsWith('A') ? 'B' : 'A');
    for (const cursor of [forged, flipped, `${genuine}.x`, '', '.', 'a.b', genuine.replace('.', '')]) {
      await expect(cursors.page(list, { cursor }, fetchAfter([]))).rejects.toBeInstanceOf(ApiError);
    }
  });

  it('no longer reads cursors once the master key changed', async () => {
    const cursor = cursors.cursorAt(list, position);
    const other = new PageCursors(new MasterKeyring(randomBytes(32)));
    await expect(other.page(list, { cursor }, fetchAfter([]))).rejects.toBeInstanceOf(ApiError);
  });
});
