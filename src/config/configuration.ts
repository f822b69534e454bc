import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/**
 * Every setting the app reads, validated once at start. A bad value stops the start with a message naming the
 * variable, rather than surfacing later as a confusing failure.
 */
export class Configuration {
  /** HTTP port. */
  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  /** An external PostgreSQL; when unset, the embedded one is started. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  /** Where the embedded PostgreSQL and local keys live. */
  @IsString()
  JOURNEY_DATA_DIR = './.data';

  /** Port of the embedded PostgreSQL (loopback only). */
  @Type(() => Number) @IsInt() @Min(1) @Max(65535)
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
  @IsOptional() @IsString()
  JOURNEY_OIDC_ISSUER?: string;

  /** Production: where the issuer publishes its signing keys (JWKS). Required with JOURNEY_OIDC_ISSUER. */
  @IsOptional() @Matches(/^https?:\/\/.+/, { message: 'JOURNEY_OIDC_JWKS_URL must be an http(s) URL' })
  JOURNEY_OIDC_JWKS_URL?: string;

  /** Expected `aud` of tokens, when the issuer sets one. */
  @IsOptional() @IsString()
  JOURNEY_OIDC_AUDIENCE?: string;

  /** Connections in the pool used by the event store and read models. */
  @Type(() => Number) @IsInt() @Min(2) @Max(200)
  JOURNEY_DB_POOL_SIZE = 20;
}

const OPTIONAL_SETTINGS = ['DATABASE_URL', 'JOURNEY_OIDC_ISSUER', 'JOURNEY_OIDC_JWKS_URL', 'JOURNEY_OIDC_AUDIENCE'];

export class ConfigurationError extends Error {}

export function loadConfiguration(env: NodeJS.ProcessEnv = process.env): Configuration {
  const defaults = new Configuration();
  const given = Object.fromEntries(
    Object.keys(defaults).concat(OPTIONAL_SETTINGS).filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]),
  );
  const config = plainToInstance(Configuration, given, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(given[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigurationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (Boolean(config.JOURNEY_OIDC_ISSUER) !== Boolean(config.JOURNEY_OIDC_JWKS_URL)) {
    throw new ConfigurationError('Invalid configuration:\n  JOURNEY_OIDC_ISSUER and JOURNEY_OIDC_JWKS_URL must be set together');
  }
  return config;
}
