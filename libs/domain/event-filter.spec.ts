import fc from 'fast-check';
import { Query } from 'mingo';
import sift from 'sift';
import { eventFilterProblem, FILTER_LIMITS, matchesEventFilter } from './event-filter';

// Data and filters drawn from one small world of keys and values, so that paths meet fields and
// operands meet values often.
const KEYS = ['a', 'b', 'c'] as const;
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('x', 'y', '90', ''),
  fc.boolean(),
  fc.constant(null),
);
// Arrays hold scalars and objects, not arrays: how arrays of arrays read differs between
// MongoDB versions and mingo, and event data rarely has them.
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(fc.oneof(scalar, tie('object')), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
})).value;
const data = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 3 });
const path = fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom('a.b', 'a.c', 'b.a', 'a.0', 'c.a.b'));
const comparable = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y', '90', ''));
const fieldOperators: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  ops: fc
    .array(
      fc.oneof(
        fc.tuple(fc.constantFrom('$eq', '$ne'), value),
        fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), comparable),
        fc.tuple(fc.constantFrom('$in', '$nin'), fc.array(value, { maxLength: 3 })),
        fc.tuple(fc.constant('$exists'), fc.boolean()),
        fc.tuple(fc.constant('$not'), tie('ops')),
      ),
      { minLength: 1, maxLength: 2 },
    )
    .map((pairs) => Object.fromEntries(pairs)),
})).ops;
const filter: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  query: fc
    .array(
      fc.oneof(
        { depthSize: 'small' },
        fc.tuple(path, fc.oneof(value, fieldOperators)),
        fc.tuple(fc.constantFrom('$and', '$or'), fc.array(tie('query'), { minLength: 1, maxLength: 2 })),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((pairs) => Object.fromEntries(pairs)),
})).query as fc.Arbitrary<Record<string, unknown>>;

/** As it arrives: parsed JSON (the generators make objects without a prototype). */
const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('event filters', () => {
  it('decide as MongoDB does, where two independent implementations of it agree (mingo, sift)', () => {
    let agreed = 0;
    let cases = 0;
    fc.assert(
      fc.property(filter.map(asJson), data.map(asJson), (f, d) => {
        if (eventFilterProblem(f) !== null) return; // over a bound: refused, never evaluated
        cases++;
        const reference = new Query(f as never).test(d);
        // They differ only on null through arrays of objects (e.g. {"a.b": null} on {a: [{}]}).
        if (sift(f as never)(d) !== reference) return;
        agreed++;
        expect(matchesEventFilter(f, d)).toBe(reference);
      }),
      { numRuns: 2_000 },
    );
    expect(agreed / cases).toBeGreaterThan(0.95);
  });

  it('compare values of one type only, and read paths through objects and arrays', () => {
    expect(matchesEventFilter({ score: { $gte: 50 } }, { score: '90' })).toBe(false);
    expect(matchesEventFilter({ score: { $gte: 50 } }, { score: 90 })).toBe(true);
    expect(matchesEventFilter({ 'applicant.country': 'DE' }, { applicant: { country: 'DE' } })).toBe(true);
    expect(
      matchesEventFilter(
        { 'items.status': 'approved' },
        { items: [{ status: 'x' }, { status: 'approved' }] },
      ),
    ).toBe(true);
    expect(
      matchesEventFilter(
        { status: { $in: ['approved'] }, score: { $gte: 50 } },
        { status: 'approved', score: 49 },
      ),
    ).toBe(false);
    expect(matchesEventFilter({ missing: null }, {})).toBe(true);
    expect(matchesEventFilter({ missing: { $exists: false } }, {})).toBe(true);
    expect(matchesEventFilter({ $or: [{ a: 1 }, { b: 2 }] }, { b: 2 })).toBe(true);
    expect(matchesEventFilter({ $not: { a: 1 } }, { a: 1 })).toBe(false);
    expect(matchesEventFilter({ a: { $not: { $in: [1, 2] } } }, { a: 3 })).toBe(true);
  });

  it('are refused naming the path and the operator that is wrong', () => {
    expect(eventFilterProblem({ status: { $regexx: 'a' } })).toMatch(
      /^filter\.status\.\$regexx: unknown operator \$regexx/,
    );
    expect(eventFilterProblem({ $where: 'sleep(1)' })).toMatch(/^filter\.\$where: unknown operator \$where/);
    expect(eventFilterProblem({ score: { $gte: true } })).toBe(
      'filter.score.$gte must be a number or a string',
    );
    expect(eventFilterProblem({ score: { $in: 'x' } })).toBe('filter.score.$in must be a list of values');
    expect(eventFilterProblem({ score: { $gt: 1, b: 2 } })).toMatch(
      /^filter\.score mixes operators and fields/,
    );
    expect(eventFilterProblem({ 'a..b': 1 })).toMatch(/^filter\.a\.\.b: a path has no empty parts/);
    expect(eventFilterProblem({ 'a.constructor': 1 })).toMatch(/constructor is reserved/);
    expect(eventFilterProblem({ a: { $eq: { $gt: 1 } } })).toMatch(/an operator cannot stand inside a value/);
    expect(eventFilterProblem({ $and: [] })).toBe('filter.$and must be a non-empty list of conditions');
    expect(eventFilterProblem([{ a: 1 }])).toMatch(/must be a JSON object/);
    expect(eventFilterProblem({ a: { $exists: 'yes' } })).toBe('filter.a.$exists must be true or false');
  });

  it('are bounded in size, conditions, depth and values', () => {
    const many = Object.fromEntries(
      Array.from({ length: FILTER_LIMITS.conditions + 1 }, (_, i) => [`f${i}`, i]),
    );
    expect(eventFilterProblem(many)).toMatch(/more than 50 conditions/);
    let deep: Record<string, unknown> = { a: 1 };
    for (let i = 0; i <= FILTER_LIMITS.depth; i++) deep = { $not: deep };
    expect(eventFilterProblem(deep)).toMatch(/deeper than 5 levels/);
    expect(eventFilterProblem({ a: { $in: Array.from({ length: 101 }, (_, i) => i) } })).toMatch(
      /more than 100 values/,
    );
    expect(eventFilterProblem({ a: 'x'.repeat(FILTER_LIMITS.size) })).toMatch(/at most 4096 characters/);
    expect(eventFilterProblem({ 'a.b.c.d.e.f.g.h.i.j.k': 1 })).toMatch(/at most 10 dotted parts/);
  });
});
