import type { Collection, Document } from 'mongodb';
import { isDuplicateKey, writeErrorsOf } from './duplicate-key';

/** How one insert went: `inserted`, or `duplicate` when a document with its `_id` was there. */
export type InsertResult = 'inserted' | 'duplicate';

interface Waiting {
  doc: Document;
  settle: (result: InsertResult) => void;
  fail: (err: unknown) => void;
}

/** Documents in one command at most (an event's sealed data may reach a few hundred kilobytes). */
const MAX_BATCH = 64;

/**
 * Inserts into one collection as a group commit: an insert goes at once when none is in flight;
 * those that come while one is in flight go together, in one command, as soon as it returns. Under
 * load, concurrent deliveries share a round trip; alone, an insert costs what it would by itself,
 * and none waits on a timer. Each caller learns its own document's fate, once the command that
 * carried it is acknowledged.
 */
export class CoalescedInserts {
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(private readonly collection: Collection) {}

  insert(doc: Document): Promise<InsertResult> {
    return new Promise((settle, fail) => {
      this.waiting.push({ doc, settle, fail });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) await this.send(this.waiting.splice(0, MAX_BATCH));
    } finally {
      this.flushing = false;
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    // In _id order: two commands (of two workers) that share documents meet them in one order.
    batch.sort((a, b) => (String(a.doc._id) < String(b.doc._id) ? -1 : 1));
    try {
      // Unordered: one document's duplicate key does not stop the others.
      await this.collection.insertMany(
        batch.map((w) => w.doc),
        { ordered: false },
      );
      for (const w of batch) w.settle('inserted');
    } catch (err) {
      const failed = new Map(writeErrorsOf(err).map((e) => [e.index, e]));
      for (const [index, w] of batch.entries()) {
        const error = failed.get(index);
        if (failed.size === 0) w.fail(err);
        else if (!error) w.settle('inserted');
        else if (isDuplicateKey(error)) w.settle('duplicate');
        else w.fail(err);
      }
    }
  }
}
