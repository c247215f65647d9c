import type { Collection, Document } from 'mongodb';
import { insertEach } from './duplicate-key';

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
    const idOf = (w: Waiting) => String(w.doc._id);
    batch.sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
    try {
      const outcomes = await insertEach(
        this.collection,
        batch.map((w) => w.doc),
      );
      for (const [index, outcome] of outcomes.entries()) {
        if (typeof outcome === 'string') batch[index].settle(outcome);
        else batch[index].fail(outcome.failed);
      }
    } catch (err) {
      for (const w of batch) w.fail(err);
    }
  }
}
