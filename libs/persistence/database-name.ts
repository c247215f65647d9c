/** The database a MongoDB URI names (the path segment), or undefined. */
export function databaseNameOf(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^/?]+)/.exec(uri);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Tests drop and fill their databases: refuse to let them touch one whose name does not say it is a
 * test database, so a stray MONGODB_URI can never point a test run at real data.
 */
export function assertTestDatabase(uri: string): void {
  const name = databaseNameOf(uri);
  if (!name || !/^test_/.test(name)) {
    throw new Error(
      `Refusing to run tests against database "${name ?? '(none)'}": test database names start with "test_"`,
    );
  }
}
