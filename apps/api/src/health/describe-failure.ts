/** The first line of an error's message, short: enough for an operator, nothing of a stack. */
export function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200);
}
