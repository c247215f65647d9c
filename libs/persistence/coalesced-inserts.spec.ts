import type { Collection, Document } from 'mongodb';
import { CoalescedInserts } from './coalesced-inserts';

/** A collection whose insertMany is answered by hand: each call waits for `answer`. */
function heldCollection() {
  const calls: { docs: Document[]; answer: (err?: unknown) => void }[] = [];
  const collection = {
    insertMany: (docs: Document[]) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ docs: [...docs], answer: (err) => (err ? reject(err) : resolve()) });
      }),
  } as unknown as Collection;
  return { collection, calls };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));
const bulkError = (writeErrors: { index: number; code: number }[]) =>
  Object.assign(new Error('bulk write failed'), { writeErrors });

describe('CoalescedInserts', () => {
  it('sends an insert at once when none is in flight, and those that come meanwhile together after it', async () => {
    const { collection, calls } = heldCollection();
    const inserts = new CoalescedInserts(collection);
    const first = inserts.insert({ _id: 'a' });
    await tick();
    expect(calls.map((c) => c.docs)).toEqual([[{ _id: 'a' }]]);
    const later = [inserts.insert({ _id: 'c' }), inserts.insert({ _id: 'b' })];
    await tick();
    expect(calls).toHaveLength(1);
    calls[0].answer();
    await expect(first).resolves.toBe('inserted');
    await tick();
    // In _id order, in one command.
    expect(calls[1].docs).toEqual([{ _id: 'b' }, { _id: 'c' }]);
    calls[1].answer();
    await expect(Promise.all(later)).resolves.toEqual(['inserted', 'inserted']);
  });

  it("tells each caller its own document's fate: inserted, duplicate, or the error", async () => {
    const { collection, calls } = heldCollection();
    const inserts = new CoalescedInserts(collection);
    const holder = inserts.insert({ _id: 'x' });
    await tick();
    const [a, b, c] = [
      inserts.insert({ _id: 'a' }),
      inserts.insert({ _id: 'b' }),
      inserts.insert({ _id: 'c' }),
    ];
    calls[0].answer();
    await holder;
    await tick();
    const failure = bulkError([
      { index: 1, code: 11000 },
      { index: 2, code: 121 },
    ]);
    calls[1].answer(failure);
    await expect(a).resolves.toBe('inserted');
    await expect(b).resolves.toBe('duplicate');
    await expect(c).rejects.toBe(failure);
  });

  it('fails every caller of a command that failed whole, and goes on with the next', async () => {
    const { collection, calls } = heldCollection();
    const inserts = new CoalescedInserts(collection);
    const lost = inserts.insert({ _id: 'a' });
    await tick();
    const next = inserts.insert({ _id: 'b' });
    const down = new Error('connection closed');
    calls[0].answer(down);
    await expect(lost).rejects.toBe(down);
    await tick();
    calls[1].answer();
    await expect(next).resolves.toBe('inserted');
    // Idle again: the next insert goes at once.
    const again = inserts.insert({ _id: 'c' });
    await tick();
    expect(calls).toHaveLength(3);
    calls[2].answer();
    await expect(again).resolves.toBe('inserted');
  });
});
