import type { FilterQuery, Model } from 'mongoose';

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** The cursor that resumes a page after the record with this date and _id. */
export const keysetCursor = (at: Date, id: string): string =>
  Buffer.from(`${at.toISOString()}|${id}`, 'utf8').toString('base64url');

/**
 * Newest first by a date field (ties by _id), `limit` at a time, resumed from an opaque cursor.
 * Keyset pagination: a deep page costs what the first does, given an index on the filter's
 * fields then (field, _id).
 */
export async function keysetPage<T extends { _id: string }>(
  model: Model<T>,
  filter: FilterQuery<T>,
  field: keyof T & string,
  options: { limit: number; cursor?: string },
): Promise<Page<T>> {
  const query: FilterQuery<T> = { ...filter };
  if (options.cursor) {
    const [at, id] = Buffer.from(options.cursor, 'base64url').toString('utf8').split('|');
    const after = new Date(at);
    if (!id || Number.isNaN(after.getTime()))
      throw new InvalidCursorError('cursor is not one this API returned');
    (query as Record<string, unknown>).$or = [
      { [field]: { $lt: after } },
      { [field]: after, _id: { $lt: id } },
    ];
  }
  const found = (await model
    .find(query)
    .sort({ [field]: -1, _id: -1 })
    .limit(options.limit + 1)
    .lean()
    .exec()) as unknown as T[];
  const items = found.slice(0, options.limit);
  const last = items[items.length - 1];
  const nextCursor =
    found.length > options.limit && last ? keysetCursor(last[field] as Date, last._id) : null;
  return { items, nextCursor };
}
