import type { FilterQuery, Model } from 'mongoose';

/** Where a page ends: the last record's date and _id. */
export interface PagePosition {
  at: Date;
  id: string;
}

export interface KeysetPage<T> {
  items: T[];
  /** Where the next page starts after; null on the last one. */
  next: PagePosition | null;
}

/**
 * Newest first by a date field (ties by _id), `limit` at a time, resumed after a position.
 * Keyset pagination: a deep page costs what the first does, given an index on the filter's
 * fields then (field, _id). Clients see positions only as signed cursors (libs/http/page-cursors).
 */
export async function keysetPage<T extends { _id: string }>(
  model: Model<T>,
  filter: FilterQuery<T>,
  field: keyof T & string,
  options: { limit: number; after?: PagePosition; projection?: Record<string, 0> },
): Promise<KeysetPage<T>> {
  const query: FilterQuery<T> = { ...filter };
  if (options.after) {
    const { at, id } = options.after;
    (query as Record<string, unknown>).$or = [{ [field]: { $lt: at } }, { [field]: at, _id: { $lt: id } }];
  }
  const found = (await model
    .find(query, options.projection)
    .sort({ [field]: -1, _id: -1 })
    .limit(options.limit + 1)
    .lean()
    .exec()) as unknown as T[];
  const items = found.slice(0, options.limit);
  const last = items[items.length - 1];
  const next = found.length > options.limit && last ? { at: last[field] as Date, id: last._id } : null;
  return { items, next };
}
