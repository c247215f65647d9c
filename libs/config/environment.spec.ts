import { ConfigurationError, validateEnvironment } from './environment';

const minimal = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/webhooks',
  MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('validateEnvironment', () => {
  it('fills defaults and converts types', () => {
    const env = validateEnvironment({
      ...minimal,
      PORT: '8080',
      TEMPORAL_REGISTER_SEARCH_ATTRIBUTES: 'false',
    });
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 8080,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'applications-webhooks',
      TEMPORAL_REGISTER_SEARCH_ATTRIBUTES: false,
      LOG_LEVEL: 'info',
    });
  });

  it('takes a duration setting only when it parses (a bare PT did pass a pattern, then read as no duration)', () => {
    expect(validateEnvironment({ ...minimal, CONSOLE_SESSION_TTL: '12h' }).CONSOLE_SESSION_TTL).toBe('12h');
    const attempt = () =>
      validateEnvironment({ ...minimal, CONSOLE_SESSION_TTL: 'PT', WEBHOOK_ENDPOINT_DISABLE_AFTER: '5x' });
    expect(attempt).toThrow(/CONSOLE_SESSION_TTL: CONSOLE_SESSION_TTL must be a duration like PT8H or 8h/);
    expect(attempt).toThrow(
      /WEBHOOK_ENDPOINT_DISABLE_AFTER: WEBHOOK_ENDPOINT_DISABLE_AFTER must be a duration like P5D or 5d/,
    );
  });

  it('names every bad variable and what it should be, at once', () => {
    const attempt = () =>
      validateEnvironment({
        MONGODB_URI: 'mongodb://host',
        PORT: '99999',
        TEMPORAL_ADDRESS: 'nohostport',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/MONGODB_URI: MONGODB_URI must be a mongodb:\/\/ URI that names its database/);
    expect(attempt).toThrow(/PORT: PORT must not be greater than 65535/);
    expect(attempt).toThrow(/TEMPORAL_ADDRESS: TEMPORAL_ADDRESS must be host:port/);
    expect(attempt).toThrow(/LOG_LEVEL/);
  });

  it('requires MONGODB_URI and MASTER_KEY', () => {
    expect(() => validateEnvironment({})).toThrow(/MONGODB_URI/);
    expect(() => validateEnvironment({})).toThrow(/MASTER_KEY/);
  });

  it('accepts only the base64 of 32 bytes as master keys, naming the variable but not the value', () => {
    const attempt = () =>
      validateEnvironment({
        ...minimal,
        MASTER_KEY: 'c2hvcnQ=',
        MASTER_KEY_PREVIOUS: `${minimal.MASTER_KEY},bm9wZQ==`,
      });
    expect(attempt).toThrow(/MASTER_KEY: MASTER_KEY must be the base64 of exactly 32 random bytes/);
    expect(attempt).toThrow(/MASTER_KEY_PREVIOUS: MASTER_KEY_PREVIOUS must be the base64/);
    expect(attempt).not.toThrow(/c2hvcnQ|bm9wZQ/);
  });

  it('requires a long ADMIN_TOKEN in production, and only there', () => {
    expect(() => validateEnvironment({ ...minimal, NODE_ENV: 'production' })).toThrow(
      /ADMIN_TOKEN: required in production/,
    );
    expect(() => validateEnvironment({ ...minimal, ADMIN_TOKEN: 'short' })).toThrow(/at least 32 characters/);
    expect(
      validateEnvironment({ ...minimal, NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(32) }).NODE_ENV,
    ).toBe('production');
  });

  it('never echoes a secret value in its error', () => {
    const secret = 'short-secret-value';
    try {
      validateEnvironment({ ...minimal, ADMIN_TOKEN: secret });
      throw new Error('expected a ConfigurationError');
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });
});
