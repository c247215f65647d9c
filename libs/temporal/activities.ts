/**
 * Turns Nest-injected activity classes into the function map a Temporal worker registers: every
 * public method of each instance's class, bound to the instance (so activities reach their
 * dependencies). Helpers that are not activities are `#private` methods, which this never sees.
 */
export function activityFunctions(...instances: object[]): Record<string, (...args: never[]) => unknown> {
  const functions: Record<string, (...args: never[]) => unknown> = {};
  for (const instance of instances) {
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = proto[name];
      if (name === 'constructor' || typeof method !== 'function') continue;
      if (name in functions)
        throw new Error(`Two activities are named "${name}"; activity names must be unique`);
      functions[name] = (method as (...args: never[]) => unknown).bind(instance);
    }
  }
  return functions;
}
