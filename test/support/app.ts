import type { INestApplication } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { Role } from '../../src/auth/actor';
import { LocalSigningKey } from '../../src/auth/local-signing-key';
import { TokenVerifier } from '../../src/auth/token-verifier';
import { loadConfiguration } from '../../src/config/configuration';
import { createTestDatabases } from './database';

export interface TestApp {
  app: INestApplication;
  /** Real HTTP against the listening server. */
  http: () => ReturnType<typeof request>;
  databaseUrl: string;
  /** The event log's database: databaseUrl itself, or one of its own when the suite runs with the log apart. */
  eventLogUrl: string;
  token(role: Role, org?: string, sub?: string): Promise<string>;
  /** Stops the application and starts it again on the same database and keys, as a restart of `npm start` does. */
  restart(): Promise<void>;
  /** The key the app trusts, for tests that sign tokens of their own making. */
  signingKey: LocalSigningKey;
  /** The app's JOURNEY_DATA_DIR: its keys, which the CLI finds there too (`cli token` mints tokens the app trusts). */
  dataDir: string;
  close(): Promise<void>;
}

/** The whole application on its own fresh database, listening on a random port, as `npm start` builds it. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabases();
  const keys = await mkdtemp(join(tmpdir(), 'journey-ledger-keys-'));
  const key = await LocalSigningKey.loadOrCreate(keys);
  // Keys the app makes on first use (checkpoint signing, key encryption) go to the test's own folder, not ./.data.
  const config = loadConfiguration({ LOG_LEVEL: 'error', JOURNEY_DATA_DIR: keys, ...env });
  const listen = async () => {
    const app = await createApp({
      config,
      databaseUrl: database.url,
      eventLogUrl: database.eventLogUrl,
      tokenVerifier: TokenVerifier.forLocalKey(key.publicKey),
    });
    await app.listen(0, '127.0.0.1');
    return app;
  };
  let app = await listen();
  const testApp: TestApp = {
    app,
    http: () => request(app.getHttpServer()),
    databaseUrl: database.url,
    eventLogUrl: database.eventLogUrl,
    token: (role, org = 'org-a', sub = `user-${role}`) => key.mint({ sub, org, roles: [role] }),
    async restart() {
      await app.close();
      app = await listen();
      testApp.app = app;
    },
    signingKey: key,
    dataDir: keys,
    async close() {
      await app.close();
      await database.drop();
      await rm(keys, { recursive: true, force: true });
    },
  };
  return testApp;
}
