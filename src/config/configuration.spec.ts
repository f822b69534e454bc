import { inspect } from 'node:util';
import { ConfigurationError, loadConfiguration } from './configuration';

/** What loading these settings throws, as `npm start` would print it. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfiguration(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return inspect(error);
  }
  throw new Error('the configuration was accepted');
}

describe('configuration', () => {
  test('defaults serve on port 3000 with the embedded database in ./.data', () => {
    const config = loadConfiguration({});
    expect(config.PORT).toBe(3000);
    expect(config.JOURNEY_DATA_DIR).toBe('./.data');
    expect(config.DATABASE_URL).toBeUndefined();
  });

  test('values from the environment are converted and kept', () => {
    const config = loadConfiguration({ PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/x', JOURNEY_DATA_DIR: '/var/lib/jl' });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBe('postgres://u:p@db:5432/x');
    expect(config.JOURNEY_DATA_DIR).toBe('/var/lib/jl');
  });

  test('a bad value stops the start with a message naming the variable', () => {
    expect(() => loadConfiguration({ PORT: 'eighty' })).toThrow(ConfigurationError);
    expect(() => loadConfiguration({ PORT: 'eighty' })).toThrow(/PORT must be/);
    expect(() => loadConfiguration({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres/);
    expect(() => loadConfiguration({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  test('an error names the setting, never its value: no password inside a URL, no credential, no key', () => {
    const databaseUrl = 'postgres://journey:s3cret@db.internal:5432/journey';
    const cases: [string, string][] = [
      ['DATABASE_URL', databaseUrl.replace('://', ':/')],
      ['EVENTSTORE_CONNECTION_STRING', databaseUrl],
      ['JOURNEY_OIDC_JWKS_URL', databaseUrl],
      ['JOURNEY_DB_POOL_SIZE', 's3cret'],
    ];
    for (const [setting, value] of cases) {
      const printed = refusal({ [setting]: value });
      expect(printed).toContain(`  ${setting} must`);
      expect(printed).not.toContain('s3cret');
    }
  });

  test("an EventStoreDB connection string its client cannot parse stops the start, without the client's quote of it", () => {
    for (const value of ['esdb://admin:s3cret@es.internal:notaport?tls=true', 'esdb://admin:s3cret@es.internal:2113?tls=maybe', 'kurrentdb://admin:s3cret@es:2113']) {
      const printed = refusal({ EVENTSTORE_CONNECTION_STRING: value });
      expect(printed).toContain('EVENTSTORE_CONNECTION_STRING must be an esdb://');
      expect(printed).not.toContain('s3cret');
    }
    expect(loadConfiguration({ EVENTSTORE_CONNECTION_STRING: 'esdb://admin:s3cret@es.internal:2113?tls=false' }).EVENTSTORE_CONNECTION_STRING).toBe(
      'esdb://admin:s3cret@es.internal:2113?tls=false',
    );
  });
});
