import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Closing the channel to the embedded server's process stops the server and removes its folder (see embedded-test-server.ts). */
export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { embeddedTestServer?: ChildProcess }).embeddedTestServer;
  if (!server) return;
  const exited = once(server, 'exit');
  server.disconnect();
  await exited;
}
