import { assertTestDatabase, databaseNameOf } from './database-name';

describe('database names', () => {
  it('reads the database a URI names', () => {
    expect(databaseNameOf('mongodb://127.0.0.1:27017/webhooks')).toBe('webhooks');
    expect(databaseNameOf('mongodb+srv://u:p@cluster.example/test_a?retryWrites=true')).toBe('test_a');
    expect(databaseNameOf('mongodb://127.0.0.1:27017')).toBeUndefined();
  });

  it('lets tests use only databases named test_*', () => {
    expect(() => assertTestDatabase('mongodb://127.0.0.1/test_health_1a2b')).not.toThrow();
    for (const uri of [
      'mongodb://127.0.0.1/webhooks',
      'mongodb://127.0.0.1/production_test',
      'mongodb://127.0.0.1',
    ]) {
      expect(() => assertTestDatabase(uri)).toThrow(/Refusing to run tests against database/);
    }
  });
});
