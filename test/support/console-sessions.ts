import type { Db } from 'mongodb';
import { tokenHash } from '../../libs/auth/tokens';

/**
 * Ends a console session or a portal link now, found as the service finds it: by the hash of the
 * secret the browser holds (the cookie's value, the link's code). How many it ended.
 */
export async function expireNow(
  db: Db,
  collection: 'console_sessions' | 'portal_links',
  secret: string,
): Promise<number> {
  const ended = await db
    .collection(collection)
    .updateOne({ _id: tokenHash(secret) as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  return ended.modifiedCount;
}
