import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { parseMasterKey } from '../crypto/master-keyring';
import { parseDuration } from '../domain/duration';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MinLength,
  Min,
  registerDecorator,
  validateSync,
} from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/**
 * A duration setting, checked by the parser that reads it (parseDuration), so what passes here is
 * what the service can use.
 */
function IsDurationSetting(example: string, minMs = 0): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isDurationSetting',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) =>
          `${property} must be a duration like ${example}${minMs ? `, at least ${minMs / 1000} s` : ''}`,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && (parseDuration(value) ?? -1) >= minMs,
      },
    });
}

const HOST_NAME = /^(0\.0\.0\.0|127\.0\.0\.1|::|::1|localhost|[\w.-]+)$/;

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/**
 * Every setting the API and the worker read, validated once at start: a bad value stops the
 * process with a message naming the variable, instead of failing later in a request.
 */
export class Environment {
  /** `development`, `production` or `test`. */
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  /** Where the API listens: its address. */
  @IsString()
  @Matches(HOST_NAME, { message: 'HOST must be a host name or address' })
  HOST = '127.0.0.1';

  /** Where the API listens: its port. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** `mongodb://host:port/database`; MongoDB or FerretDB. @default (required) */
  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\/.+\/[^/?]+/, {
    message:
      'MONGODB_URI must be a mongodb:// URI that names its database, e.g. mongodb://127.0.0.1:27017/webhooks',
  })
  MONGODB_URI: string;

  /** The driver emits an event per database command (the fuzzer counts writes with it). */
  @Transform(toBoolean)
  @IsBoolean()
  MONGODB_MONITOR_COMMANDS = false;

  /** Temporal frontend. */
  @IsString()
  @Matches(/^[\w.-]+:\d+$/, { message: 'TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233' })
  TEMPORAL_ADDRESS = '127.0.0.1:7233';

  /** The Temporal namespace the service runs in. */
  @IsString()
  @MinLength(1)
  TEMPORAL_NAMESPACE = 'default';

  /** The queue the worker polls and the API starts workflows on. */
  @IsString()
  @Matches(/^[\w.-]{1,200}$/, {
    message: 'TEMPORAL_TASK_QUEUE must be letters, digits, dot, dash or underscore',
  })
  TEMPORAL_TASK_QUEUE = 'applications-webhooks';

  /** How long connecting to Temporal may take. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(60_000)
  TEMPORAL_CONNECT_TIMEOUT_MS = 5_000;

  /**
   * Prebuilt workflow bundle (`dist/workflow-bundle.js`); without it the worker bundles at start.
   * @default (none)
   */
  @IsOptional()
  @IsString()
  TEMPORAL_WORKFLOW_BUNDLE?: string;

  /**
   * The worker adds missing search attributes at start; `false` where `deploy/temporal/setup.sh`
   * registers them (compose, production).
   */
  @Transform(toBoolean)
  @IsBoolean()
  TEMPORAL_REGISTER_SEARCH_ATTRIBUTES = true;

  /**
   * Operator credential, 32+ characters; `npm start` generates one into `data/`.
   * @default (required in production)
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ADMIN_TOKEN must be at least 32 characters' })
  ADMIN_TOKEN?: string;

  /**
   * Base64 of 32 random bytes (`openssl rand -base64 32`): seals secrets at rest; `npm start`
   * generates a development one into `data/` with a warning.
   * @default (required)
   */
  @IsString()
  MASTER_KEY: string;

  /**
   * Earlier master keys, comma-separated, still opening what they sealed until `npm run reseal`.
   * @default (none)
   */
  @IsOptional()
  @IsString()
  MASTER_KEY_PREVIOUS?: string;

  /** Pino level. */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** How long readiness waits for each dependency. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(30_000)
  HEALTH_CHECK_TIMEOUT_MS = 2_000;

  /**
   * Lets webhooks go to loopback and private addresses (the SSRF guard off): for local development
   * and tests only; `npm start` turns it on.
   */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE_TARGETS = false;

  /** Webhooks an application may have (every event goes to each); one more: 409 `TOO_MANY_WEBHOOKS`. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  WEBHOOKS_PER_APPLICATION = 50;

  /** One deadline per attempt: connect, send, read the answer. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  /**
   * The worker reads a webhook, its application and its secrets through a cache: a change (disable,
   * URL, headers, secret rotation, application suspended) reaches attempts within this bound; `0`
   * turns the cache off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WEBHOOK_CACHE_TTL_MS = 1_000;

  /**
   * Up to this many subscribed webhooks (none ordered), the API starts an event's delivery workflows
   * itself; above, one dispatch workflow fans the event out; `0`: always a dispatch.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  EVENT_DIRECT_DELIVERIES_MAX = 8;

  /**
   * The API reads who calls (the principal a token names) and the application an event is for
   * through a cache: a revoked token or Private App Key, or a deleted application, is refused by the
   * API process that made the change at once and by every other within this bound; `0` turns the
   * cache off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  API_CALLER_CACHE_TTL_MS = 1_000;

  /**
   * A webhook whose every delivery has failed this long is disabled (and `WEBHOOK_ENDPOINT_DISABLED`
   * emitted).
   */
  @IsDurationSetting('P5D or 5d')
  WEBHOOK_ENDPOINT_DISABLE_AFTER = 'P5D';

  /** How long creating or deleting an application waits for its workflow before answering "in progress". */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  API_WORKFLOW_WAIT_MS = 5_000;

  /**
   * How often the data retention workflow runs (its Temporal Schedule,
   * `data-retention-schedule:<task queue>`, set by the worker at start); at least 1 minute.
   */
  @IsDurationSetting('PT1H or 1h', 60_000)
  DATA_RETENTION_EVERY = 'PT1H';

  /**
   * The worker creates or updates that schedule when it starts; `false` where schedules are managed
   * elsewhere.
   */
  @Transform(toBoolean)
  @IsBoolean()
  DATA_RETENTION_SCHEDULE = true;

  /** How long a console sign-in lasts; signing out, or rotating the workspace's API token, ends it sooner. */
  @IsDurationSetting('PT8H or 8h')
  CONSOLE_SESSION_TTL = 'PT8H';

  /**
   * The service's address as browsers see it (`https://webhooks.example.com`): portal links point to
   * it, the console's CSRF check expects it as `Origin`, and `https` makes the session cookie
   * `Secure`.
   * @default (the request's host)
   */
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'PUBLIC_URL must be an http(s) URL like https://webhooks.example.com' },
  )
  PUBLIC_URL?: string;

  /**
   * Both processes collect and serve Prometheus metrics at `/metrics` (see
   * [Observability](observability.md)).
   */
  @Transform(toBoolean)
  @IsBoolean()
  METRICS_ENABLED = true;

  /**
   * Serve the API's `/metrics` on a listener of its own, on this port, instead of the API's port.
   * @default (none)
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_METRICS_PORT?: number;

  /** That listener's address. @default `HOST` */
  @IsOptional()
  @Matches(HOST_NAME, { message: 'API_METRICS_HOST must be a host name or address' })
  API_METRICS_HOST?: string;

  /**
   * Where the worker serves `/metrics`; in production it serves none unless set.
   * @default `9464` (none in production)
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_METRICS_PORT?: number;

  /** The worker's metrics listener's address (`0.0.0.0` in a container). */
  @Matches(HOST_NAME, { message: 'WORKER_METRICS_HOST must be a host name or address' })
  WORKER_METRICS_HOST = '127.0.0.1';

  /**
   * The built console that the API serves under `/console` (`npm run build` writes it).
   * @default `dist/console`
   */
  @IsOptional()
  @IsString()
  CONSOLE_DIR?: string;
}

/** The worker's /metrics port outside production (the OpenTelemetry Prometheus exporter's default). */
export const DEVELOPMENT_WORKER_METRICS_PORT = 9464;

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** Validates raw environment variables; used by ConfigModule and by scripts. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
  );
  for (const [name, value] of [
    ['MASTER_KEY', env.MASTER_KEY],
    ['MASTER_KEY_PREVIOUS', env.MASTER_KEY_PREVIOUS],
  ]) {
    for (const key of value ? value.split(',') : []) {
      try {
        parseMasterKey(key, name);
      } catch (err) {
        problems.push(`${name}: ${(err as Error).message}`);
      }
    }
  }
  if (env.NODE_ENV === 'production' && !env.ADMIN_TOKEN) {
    problems.push('ADMIN_TOKEN: required in production (at least 32 random characters)');
  }
  if (env.WORKER_METRICS_PORT === undefined && env.NODE_ENV !== 'production')
    env.WORKER_METRICS_PORT = DEVELOPMENT_WORKER_METRICS_PORT;
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return env;
}
