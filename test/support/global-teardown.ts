import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { embeddedTestServer?: { stop(): Promise<void>; folder: string } }).embeddedTestServer;
  if (!server) return;
  await server.stop();
  await rm(server.folder, { recursive: true, force: true });
}
