import { isJsonObject } from './json';

/**
 * A webhook's payload filter: a query on an event's `data`, in MongoDB's (and Convoy's) words.
 * Keys are paths relative to `data`, dotted for nested fields (`applicant.country`); a value is
 * either a bare value (equality) or operators. Semantics are MongoDB's: a path through an array
 * looks at its elements, `null` equals a missing field, and comparisons hold between values of
 * one type only (`"90"` is not `>= 50`). Validated when a webhook is saved, evaluated when an
 * event's deliveries are opened. Pure and bounded, so it can run anywhere.
 */
export type EventFilter = Record<string, unknown>;

const COMPARISONS = ['$gt', '$gte', '$lt', '$lte'] as const;
const FIELD_OPERATORS = ['$eq', '$ne', ...COMPARISONS, '$in', '$nin', '$exists', '$not'] as const;
const LOGICAL_OPERATORS = ['$and', '$or', '$not'] as const;

export const FILTER_LIMITS = {
  /** Its JSON, in characters. */
  size: 4_096,
  /** Conditions on fields, in all. */
  conditions: 50,
  /** Nesting of $and / $or / $not. */
  depth: 5,
  /** Values of one $in / $nin. */
  values: 100,
  /** Dots in one path. */
  pathSegments: 10,
} as const;

/** Key names object-walking code treats specially: refused anywhere in a filter, as in any request. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

const isOperators = (value: unknown): value is Record<string, unknown> =>
  isJsonObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));

/** What is wrong with a filter, naming where (`filter.score.$gte`); null when it is valid. */
export function eventFilterProblem(filter: unknown, field = 'filter'): string | null {
  if (!isJsonObject(filter)) return `${field} must be a JSON object of conditions on data's fields`;
  const size = JSON.stringify(filter).length;
  if (size > FILTER_LIMITS.size)
    return `${field} must be at most ${FILTER_LIMITS.size} characters of JSON (it has ${size})`;
  const counter = { conditions: 0 };
  return queryProblem(filter, field, 0, counter);
}

function queryProblem(
  query: Record<string, unknown>,
  at: string,
  depth: number,
  counter: { conditions: number },
): string | null {
  if (depth > FILTER_LIMITS.depth)
    return `${at} nests $and, $or and $not deeper than ${FILTER_LIMITS.depth} levels`;
  for (const [key, value] of Object.entries(query)) {
    const where = `${at}.${key}`;
    if (key.startsWith('$')) {
      const problem = logicalProblem(key, value, where, depth, counter);
      if (problem) return problem;
      continue;
    }
    const pathProblem = fieldPathProblem(key, where);
    if (pathProblem) return pathProblem;
    if (++counter.conditions > FILTER_LIMITS.conditions)
      return `${at} has more than ${FILTER_LIMITS.conditions} conditions on fields`;
    const problem = conditionProblem(value, where);
    if (problem) return problem;
  }
  return null;
}

function logicalProblem(
  operator: string,
  value: unknown,
  at: string,
  depth: number,
  counter: { conditions: number },
): string | null {
  if (operator === '$not') {
    if (!isJsonObject(value)) return `${at} must be an object of conditions`;
    return queryProblem(value, at, depth + 1, counter);
  }
  if (operator === '$and' || operator === '$or') {
    if (!Array.isArray(value) || value.length === 0) return `${at} must be a non-empty list of conditions`;
    for (const [i, item] of value.entries()) {
      if (!isJsonObject(item)) return `${at}.${i} must be an object of conditions`;
      const problem = queryProblem(item, `${at}.${i}`, depth + 1, counter);
      if (problem) return problem;
    }
    return null;
  }
  return `${at}: unknown operator ${operator}; at the top level use ${LOGICAL_OPERATORS.join(', ')}, or name a field of data`;
}

function fieldPathProblem(path: string, at: string): string | null {
  const segments = path.split('.');
  if (segments.length > FILTER_LIMITS.pathSegments)
    return `${at}: a path has at most ${FILTER_LIMITS.pathSegments} dotted parts`;
  if (segments.some((s) => s === ''))
    return `${at}: a path has no empty parts (dotted like applicant.country)`;
  const reserved = segments.find((s) => RESERVED_KEYS.has(s));
  if (reserved !== undefined) return `${at}: ${reserved} is reserved and cannot be filtered on`;
  return null;
}

/** A field's condition: a bare value (equality), or operators. */
function conditionProblem(condition: unknown, at: string): string | null {
  if (!isOperators(condition)) {
    if (isJsonObject(condition) && Object.keys(condition).some((k) => k.startsWith('$')))
      return `${at} mixes operators and fields: use only operators ($eq, $gt, …) or only a value`;
    return valueProblem(condition, at);
  }
  for (const [operator, operand] of Object.entries(condition)) {
    const where = `${at}.${operator}`;
    const problem = operatorProblem(operator, operand, where);
    if (problem) return problem;
  }
  return null;
}

function operatorProblem(operator: string, operand: unknown, at: string): string | null {
  switch (operator) {
    case '$eq':
    case '$ne':
      return valueProblem(operand, at);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return typeof operand === 'number' || typeof operand === 'string'
        ? null
        : `${at} must be a number or a string`;
    case '$in':
    case '$nin':
      if (!Array.isArray(operand)) return `${at} must be a list of values`;
      if (operand.length > FILTER_LIMITS.values) return `${at} has more than ${FILTER_LIMITS.values} values`;
      for (const [i, value] of operand.entries()) {
        const problem = valueProblem(value, `${at}.${i}`);
        if (problem) return problem;
      }
      return null;
    case '$exists':
      return typeof operand === 'boolean' ? null : `${at} must be true or false`;
    case '$not':
      return isOperators(operand)
        ? conditionProblem(operand, at)
        : `${at} must be an object of operators, e.g. { "$in": ["rejected"] }`;
    default:
      return `${at}: unknown operator ${operator}; use one of ${FIELD_OPERATORS.join(', ')}`;
  }
}

/** A value compared with data: any JSON, but no operator or reserved key inside it. */
function valueProblem(value: unknown, at: string): string | null {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = valueProblem(item, `${at}.${i}`);
      if (problem) return problem;
    }
    return null;
  }
  if (!isJsonObject(value)) return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$')) return `${at}.${key}: an operator cannot stand inside a value`;
    if (RESERVED_KEYS.has(key)) return `${at}.${key}: ${key} is reserved`;
    const problem = valueProblem(item, `${at}.${key}`);
    if (problem) return problem;
  }
  return null;
}

/** Whether the event's data matches the filter (a valid one: see eventFilterProblem). */
export function matchesEventFilter(filter: EventFilter, data: unknown): boolean {
  return matchesQuery(filter, data);
}

function matchesQuery(query: Record<string, unknown>, data: unknown): boolean {
  return Object.entries(query).every(([key, condition]) => {
    if (key === '$and') return (condition as Record<string, unknown>[]).every((q) => matchesQuery(q, data));
    if (key === '$or') return (condition as Record<string, unknown>[]).some((q) => matchesQuery(q, data));
    if (key === '$not') return !matchesQuery(condition as Record<string, unknown>, data);
    return matchesCondition(valuesAt(data, key.split('.')), condition);
  });
}

/** Where a path ends at a field that is not there. */
const MISSING = Symbol('missing');

/**
 * The values a path reaches, MISSING where it ends at an absent field; through an array, those of
 * its elements that are objects (or the element a numeric part names), as MongoDB reads
 * `items.status`: an empty array reaches nothing, not a missing field.
 */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [value];
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    // A numeric part names an element (past the end: missing); another reads every object element.
    if (/^\d+$/.test(head))
      return Number(head) < value.length ? valuesAt(value[Number(head)], rest) : [MISSING];
    return value.filter(isJsonObject).flatMap((item) => valuesAt(item, path));
  }
  return isJsonObject(value) && Object.hasOwn(value, head) ? valuesAt(value[head], rest) : [MISSING];
}

function matchesCondition(values: unknown[], condition: unknown): boolean {
  if (!isOperators(condition)) return equalsAny(values, condition);
  return Object.entries(condition).every(([operator, operand]) => {
    switch (operator) {
      case '$eq':
        return equalsAny(values, operand);
      case '$ne':
        return !equalsAny(values, operand);
      case '$in':
        return (operand as unknown[]).some((v) => equalsAny(values, v));
      case '$nin':
        return !(operand as unknown[]).some((v) => equalsAny(values, v));
      case '$exists':
        return values.some((v) => v !== MISSING) === operand;
      case '$not':
        return !matchesCondition(values, operand);
      default:
        return elementsOf(values).some((v) => compares(operator, v, operand as number | string));
    }
  });
}

/** A value, or each element of one that is an array: what MongoDB compares with a scalar. */
const elementsOf = (values: unknown[]) => values.flatMap((v) => (Array.isArray(v) ? [v, ...v] : [v]));

/** Equality as MongoDB reads it: a missing field equals null; an array equals a value it holds. */
function equalsAny(values: unknown[], expected: unknown): boolean {
  return elementsOf(values).some((v) => (v === MISSING ? expected === null : jsonEqual(v, expected)));
}

function compares(operator: string, value: unknown, bound: number | string): boolean {
  if (typeof value !== typeof bound) return false;
  const [a, b] = [value as number | string, bound];
  switch (operator) {
    case '$gt':
      return a > b;
    case '$gte':
      return a >= b;
    case '$lt':
      return a < b;
    default:
      return a <= b;
  }
}

/** Deep equality of JSON values; object members in any order. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
    );
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
  );
}
