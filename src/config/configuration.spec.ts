import { ConfigurationError, loadConfiguration } from './configuration';

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
    expect(() => loadConfiguration({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfiguration({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres/);
    expect(() => loadConfiguration({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
