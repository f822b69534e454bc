import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  validateSync,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { isIP } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Parsed at start by the EventStoreDB client's own parser, as the event store will parse it. Its errors quote the
 * whole string, credentials included, so only the verdict is kept. The client is loaded only when the setting is set.
 */
@ValidatorConstraint({ name: 'eventStoreDbConnectionString' })
class EventStoreDbConnectionString implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      // Makes a client object only: it connects on its first call, which never comes.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the setting is set (see above)
      (require('@eventstore/db-client') as typeof import('@eventstore/db-client')).EventStoreDBClient.connectionString(value);
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'EVENTSTORE_CONNECTION_STRING must be an esdb:// or esdb+discover:// connection string';
  }
}

/**
 * Every setting the app reads, validated once at start. A bad value stops the start with a message naming the
 * variable and what is wrong, never the value: it may be a password inside a URL, or a key.
 */
export class Configuration {
  /** HTTP port. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** An external PostgreSQL; when unset, the embedded one is started. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  /**
   * Production option: keep the event log in EventStoreDB (e.g. `esdb://host:2113?tls=true`); PostgreSQL still
   * holds read models, the Merkle log and keys. Unset: the log lives in PostgreSQL.
   */
  @IsOptional()
  @Validate(EventStoreDbConnectionString)
  EVENTSTORE_CONNECTION_STRING?: string;

  /**
   * The PostgreSQL event log in a database of its own, apart from the read models' (DATABASE_URL or the embedded
   * one): the layout of an EventStoreDB deployment, on PostgreSQL. Unset: the log lives beside the read models.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'EVENT_STORE_URL must be a postgres:// connection URL' })
  EVENT_STORE_URL?: string;

  /**
   * The same layout on one server: the event log in this database of its own beside the read models' (on the
   * embedded PostgreSQL, or DATABASE_URL's server), made on first start.
   */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'JOURNEY_EVENT_STORE_DATABASE must be a PostgreSQL database name (a-z, 0-9, _)' })
  JOURNEY_EVENT_STORE_DATABASE?: string;

  /** Where the embedded PostgreSQL and local keys live. */
  @IsString()
  JOURNEY_DATA_DIR = './.data';

  /** Port of the embedded PostgreSQL (loopback only). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  JOURNEY_PG_PORT = 5433;

  /** Largest JSON body, e.g. `1mb`; larger requests answer 413. */
  @Matches(/^\d+(b|kb|mb)$/, { message: 'JOURNEY_BODY_LIMIT must look like 512kb or 1mb' })
  JOURNEY_BODY_LIMIT = '1mb';

  /** Largest NDJSON import body accepted by POST /imports. */
  @Matches(/^\d+(b|kb|mb)$/, { message: 'JOURNEY_IMPORT_LIMIT must look like 50mb' })
  JOURNEY_IMPORT_LIMIT = '100mb';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Production: the OpenID Connect issuer whose tokens are accepted (e.g. a Keycloak realm URL). */
  @IsOptional()
  @IsString()
  JOURNEY_OIDC_ISSUER?: string;

  /** Production: where the issuer publishes its signing keys (JWKS), over https. Required with JOURNEY_OIDC_ISSUER. */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'JOURNEY_OIDC_JWKS_URL must be an http(s) URL' })
  JOURNEY_OIDC_JWKS_URL?: string;

  /** The `aud` a token must carry to be accepted. Required with JOURNEY_OIDC_ISSUER. */
  @IsOptional()
  @IsString()
  JOURNEY_OIDC_AUDIENCE?: string;

  /** Connections in each pool: the read models' and, on PostgreSQL, the event log's. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(200)
  JOURNEY_DB_POOL_SIZE = 20;

  /** The log's name in its signed checkpoints (C2SP tlog-checkpoint origin line), also the signing key's name. */
  @Matches(/^[^\s+]+$/, { message: 'JOURNEY_CHECKPOINT_ORIGIN must be one word without spaces or "+"' })
  JOURNEY_CHECKPOINT_ORIGIN = 'journey-ledger.local/log';

  /** Checkpoint signing key (Ed25519 PKCS#8 PEM, or a PRIVATE+KEY+... signer key) given inline; wins over the file. */
  @IsOptional()
  @IsString()
  JOURNEY_CHECKPOINT_KEY?: string;

  /** Checkpoint signing key file; default `<JOURNEY_DATA_DIR>/keys/checkpoint-signing-key.pem`, made on first use. */
  @IsOptional()
  @IsString()
  JOURNEY_CHECKPOINT_KEY_FILE?: string;

  /** A checkpoint is signed once this many events were logged since the last one... */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  JOURNEY_CHECKPOINT_EVERY_EVENTS = 1000;

  /** ...or once this many seconds have passed since it, if anything was logged. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  JOURNEY_CHECKPOINT_EVERY_SECONDS = 60;

  /**
   * The key-encryption key that wraps every person's data key: 32 bytes, base64, given inline; wins over the file.
   * Never quoted in errors.
   */
  @IsOptional()
  @IsString()
  JOURNEY_KEK?: string;

  /** Key-encryption key file (32 bytes, base64); default `<JOURNEY_DATA_DIR>/keys/key-encryption-key`, made on first use. */
  @IsOptional()
  @IsString()
  JOURNEY_KEK_FILE?: string;

  /** Failed authentications a client address may make per minute; beyond it every request answers 429 until the minute ends. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  JOURNEY_AUTH_FAILURES_PER_MINUTE = 30;

  /**
   * The reverse proxies in front of the app, in Express's `trust proxy` syntax: a hop count, or a comma-separated
   * list of addresses, CIDR subnets and `loopback`, `linklocal`, `uniquelocal`. Only then is a client's address
   * taken from `X-Forwarded-For`; unset, it is the connection's address.
   */
  @IsOptional()
  @IsString()
  JOURNEY_TRUST_PROXY?: string;

  /** Readiness (`/health/ready`) fails while a read model trails the log by more than this many events. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  JOURNEY_READY_MAX_PROJECTION_LAG = 10000;

  /** Readiness fails while the Merkle log trails the event log by more than this many events. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  JOURNEY_READY_MAX_MERKLE_LAG = 10000;

  /** Write the structured logs to this file instead of standard output. */
  @IsOptional()
  @IsString()
  JOURNEY_LOG_FILE?: string;
}

const OPTIONAL_SETTINGS = [
  'DATABASE_URL',
  'EVENTSTORE_CONNECTION_STRING',
  'EVENT_STORE_URL',
  'JOURNEY_EVENT_STORE_DATABASE',
  'JOURNEY_OIDC_ISSUER',
  'JOURNEY_OIDC_JWKS_URL',
  'JOURNEY_OIDC_AUDIENCE',
  'JOURNEY_CHECKPOINT_KEY',
  'JOURNEY_CHECKPOINT_KEY_FILE',
  'JOURNEY_KEK',
  'JOURNEY_KEK_FILE',
  'JOURNEY_TRUST_PROXY',
  'JOURNEY_LOG_FILE',
];

/** Every setting's name: those with a default, then those that may stay unset. */
export function settingNames(): string[] {
  return [...new Set([...Object.keys(new Configuration()), ...OPTIONAL_SETTINGS])];
}

export class ConfigurationError extends Error {}

/**
 * Settings kept in a `.env` file (see `.env.example`), read into the environment at start when the file exists. A
 * variable already set in the environment wins over the file, so a deployment can override any line of it.
 */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/**
 * The text of the file a `..._FILE` setting names. A file that cannot be read is an error naming the setting, not
 * the path: a key pasted where its file's path belongs would otherwise be printed.
 */
export async function readSettingFile(setting: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new ConfigurationError(`Invalid configuration:\n  ${setting} names a file that cannot be read`);
  }
}

export function loadConfiguration(env: NodeJS.ProcessEnv = process.env): Configuration {
  const given = Object.fromEntries(
    settingNames()
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const config = plainToInstance(Configuration, given, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    // Each constraint's message names its setting (class-validator's `$property must ...`, or this file's own).
    const lines = errors.map((e) => `  ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigurationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const problems = [...eventStoreProblems(config), ...oidcProblems(config)];
  if (config.JOURNEY_TRUST_PROXY !== undefined && trustProxySetting(config.JOURNEY_TRUST_PROXY) === undefined) {
    problems.push('JOURNEY_TRUST_PROXY must be a hop count or a comma-separated list of proxy addresses, CIDR subnets, loopback, linklocal or uniquelocal');
  }
  if (problems.length > 0) throw new ConfigurationError(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  return config;
}

/** One place for the event log: EventStoreDB, or a PostgreSQL database (the read models', or one of its own). */
function* eventStoreProblems(config: Configuration): Generator<string> {
  if (config.EVENTSTORE_CONNECTION_STRING && (config.EVENT_STORE_URL || config.JOURNEY_EVENT_STORE_DATABASE)) {
    yield 'EVENTSTORE_CONNECTION_STRING keeps the event log in EventStoreDB: EVENT_STORE_URL and JOURNEY_EVENT_STORE_DATABASE must then stay unset';
  }
  if (config.EVENT_STORE_URL && config.JOURNEY_EVENT_STORE_DATABASE) {
    yield 'EVENT_STORE_URL and JOURNEY_EVENT_STORE_DATABASE both place the event log: set one of them';
  }
}

function* oidcProblems(config: Configuration): Generator<string> {
  if (Boolean(config.JOURNEY_OIDC_ISSUER) !== Boolean(config.JOURNEY_OIDC_JWKS_URL)) {
    yield 'JOURNEY_OIDC_ISSUER and JOURNEY_OIDC_JWKS_URL must be set together';
  }
  if (config.JOURNEY_OIDC_ISSUER && !config.JOURNEY_OIDC_AUDIENCE) {
    yield 'JOURNEY_OIDC_AUDIENCE is required with JOURNEY_OIDC_ISSUER: only tokens issued for this service are accepted';
  }
  // Keys fetched over plain http could be swapped on the way, and with them every token accepted.
  if (config.JOURNEY_OIDC_JWKS_URL && !isHttpsOrLocal(config.JOURNEY_OIDC_JWKS_URL)) {
    yield 'JOURNEY_OIDC_JWKS_URL must be an https URL (http only for localhost)';
  }
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isHttpsOrLocal(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' || (protocol === 'http:' && LOCAL_HOSTS.has(hostname));
  } catch {
    return false;
  }
}

/** Express's `trust proxy` for JOURNEY_TRUST_PROXY (validated at start); unset, no proxy is trusted. */
export function trustProxy(config: Configuration): false | number | string[] {
  return config.JOURNEY_TRUST_PROXY === undefined ? false : (trustProxySetting(config.JOURNEY_TRUST_PROXY) ?? false);
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A hop count, or the proxies' addresses, subnets and names; undefined when the setting is none of these. */
function trustProxySetting(setting: string): number | string[] | undefined {
  if (/^\d+$/.test(setting)) return Number(setting) > 0 ? Number(setting) : undefined;
  const entries = setting.split(',').map((entry) => entry.trim());
  return entries.every(isProxyEntry) ? entries : undefined;
}

function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}
