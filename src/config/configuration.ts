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

  /** Connections in the pool used by the event store and read models. */
  @Type(() => Number) @IsInt() @Min(2) @Max(200)
  JOURNEY_DB_POOL_SIZE = 20;
}

export class ConfigurationError extends Error {}

export function loadConfiguration(env: NodeJS.ProcessEnv = process.env): Configuration {
  const defaults = new Configuration();
  const given = Object.fromEntries(
    Object.keys(defaults).concat('DATABASE_URL').filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]),
  );
  const config = plainToInstance(Configuration, given, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(given[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigurationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
