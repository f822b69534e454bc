import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect, promisify } from 'node:util';
import { Configuration, ConfigurationError, loadConfiguration, settingNames, trustProxy } from './configuration';

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
    for (const value of [
      'esdb://admin:s3cret@es.internal:notaport?tls=true',
      'esdb://admin:s3cret@es.internal:2113?tls=maybe',
      'kurrentdb://admin:s3cret@es:2113',
    ]) {
      const printed = refusal({ EVENTSTORE_CONNECTION_STRING: value });
      expect(printed).toContain('EVENTSTORE_CONNECTION_STRING must be an esdb://');
      expect(printed).not.toContain('s3cret');
    }
    expect(loadConfiguration({ EVENTSTORE_CONNECTION_STRING: 'esdb://admin:s3cret@es.internal:2113?tls=false' }).EVENTSTORE_CONNECTION_STRING).toBe(
      'esdb://admin:s3cret@es.internal:2113?tls=false',
    );
  });
});

describe('where the event log lives', () => {
  const esdb = 'esdb://admin:s3cret@es.internal:2113?tls=false';
  const apart = 'postgres://journey:s3cret@events.internal:5432/journey_events';

  test('EventStoreDB, or one PostgreSQL database: settings that place the log twice stop the start, naming them', () => {
    expect(refusal({ EVENTSTORE_CONNECTION_STRING: esdb, EVENT_STORE_URL: apart })).toContain(
      'EVENT_STORE_URL and JOURNEY_EVENT_STORE_DATABASE must then stay unset',
    );
    expect(refusal({ EVENTSTORE_CONNECTION_STRING: esdb, JOURNEY_EVENT_STORE_DATABASE: 'journey_events' })).toContain('EVENTSTORE_CONNECTION_STRING keeps');
    expect(refusal({ EVENT_STORE_URL: apart, JOURNEY_EVENT_STORE_DATABASE: 'journey_events' })).toContain('set one of them');
    for (const printed of [refusal({ EVENTSTORE_CONNECTION_STRING: esdb, EVENT_STORE_URL: apart }), refusal({ EVENT_STORE_URL: 'mysql://x:s3cret@h/db' })]) {
      expect(printed).not.toContain('s3cret');
    }
    expect(refusal({ JOURNEY_EVENT_STORE_DATABASE: 'events; DROP DATABASE x' })).toContain('JOURNEY_EVENT_STORE_DATABASE must be a PostgreSQL database name');
    expect(loadConfiguration({ EVENT_STORE_URL: apart }).EVENT_STORE_URL).toBe(apart);
    expect(loadConfiguration({ JOURNEY_EVENT_STORE_DATABASE: 'journey_events' }).JOURNEY_EVENT_STORE_DATABASE).toBe('journey_events');
  });
});

describe('configuration of tokens and proxies', () => {
  const oidc = { JOURNEY_OIDC_ISSUER: 'https://id.example.org/realms/journeys', JOURNEY_OIDC_JWKS_URL: 'https://id.example.org/realms/journeys/certs' };

  test('an OIDC issuer without JOURNEY_OIDC_AUDIENCE stops the start with a message naming it', () => {
    expect(() => loadConfiguration(oidc)).toThrow(ConfigurationError);
    expect(() => loadConfiguration(oidc)).toThrow(/JOURNEY_OIDC_AUDIENCE is required with JOURNEY_OIDC_ISSUER/);
    expect(loadConfiguration({ ...oidc, JOURNEY_OIDC_AUDIENCE: 'journey-ledger' }).JOURNEY_OIDC_AUDIENCE).toBe('journey-ledger');
  });

  test('the JWKS URL must be https, except on this machine', () => {
    const withJwks = (url: string) => () => loadConfiguration({ ...oidc, JOURNEY_OIDC_AUDIENCE: 'journey-ledger', JOURNEY_OIDC_JWKS_URL: url });
    for (const url of ['http://id.example.org/certs', 'http://10.0.0.5:8080/certs', 'http://localhost.example.org/certs']) {
      expect(withJwks(url)).toThrow(/JOURNEY_OIDC_JWKS_URL must be an https URL \(http only for localhost\)/);
    }
    for (const url of ['https://id.example.org/certs', 'http://localhost:8080/certs', 'http://127.0.0.1:8080/certs', 'http://[::1]:8080/certs']) {
      expect(withJwks(url)).not.toThrow();
    }
  });

  test('JOURNEY_TRUST_PROXY takes a hop count or addresses, subnets and names, as Express does', () => {
    expect(trustProxy(loadConfiguration({}))).toBe(false);
    expect(trustProxy(loadConfiguration({ JOURNEY_TRUST_PROXY: '1' }))).toBe(1);
    expect(trustProxy(loadConfiguration({ JOURNEY_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }))).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
    ]);
    for (const setting of ['true', '0', 'everyone', '10.0.0.0/33', '10.0.0.1/8/8', 'loopback/8']) {
      expect(() => loadConfiguration({ JOURNEY_TRUST_PROXY: setting })).toThrow(/JOURNEY_TRUST_PROXY must be a hop count/);
    }
  });
});

describe('.env', () => {
  test('.env.example lists every setting, each with its default (or commented out when it has none)', () => {
    const lines = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8').split('\n');
    const given = lines.map((line) => /^([A-Z_]+)=(.*)$/.exec(line)).filter((match) => match !== null);
    const unset = lines.map((line) => /^# ([A-Z_]+)=$/.exec(line)?.[1]).filter((name) => name !== undefined);
    expect([...given.map((match) => match[1]), ...unset].sort()).toEqual(settingNames().sort());
    const defaults = new Configuration() as unknown as Record<string, unknown>;
    for (const [, name, value] of given) expect({ name, value }).toEqual({ name, value: String(defaults[name!]) });
  });

  test('the CLI reads a .env file beside it, and a variable already set wins', async () => {
    // process.loadEnvFile writes the process's own environment, which jest's sandbox does not see: a real process.
    const repo = join(__dirname, '..', '..');
    const folder = mkdtempSync(join(tmpdir(), 'journey-ledger-env-'));
    const fromFile = join(folder, 'from-file');
    writeFileSync(join(folder, '.env'), `JOURNEY_DATA_DIR=${fromFile}\nLOG_LEVEL=not-a-level\n`);
    const run = promisify(execFile);
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'error' };
    delete env.JOURNEY_DATA_DIR;
    await run(process.execPath, [join(repo, 'dist', 'src', 'cli', 'main.js'), 'token', '--role', 'caseworker', '--org', 'org-a'], { cwd: folder, env });
    // The key was made where .env said; LOG_LEVEL's bad line lost to the environment's, or the command would have stopped.
    expect(existsSync(join(fromFile, 'keys'))).toBe(true);
  }, 120_000);
});
