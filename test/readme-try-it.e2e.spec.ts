import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from './support/app';

const REPO = join(__dirname, '..');

/** The README's "Try it" block, exactly as a reader copies it. */
function tryItBlock(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /Try it:\s*```bash\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README has no "Try it:" bash block');
  return block;
}

describe('the README\u2019s "Try it" block', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  test('runs as written with bash against a running app: every command succeeds and the reads answer the writes', async () => {
    const address = t.app.getHttpServer().address() as { port: number };
    // -e and pipefail: a failing command fails the block; the block's curl -f fails on any error answer.
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', tryItBlock()], {
      cwd: REPO,
      env: {
        ...process.env,
        URL: `http://127.0.0.1:${address.port}`,
        JOURNEY_DATA_DIR: t.dataDir,
        DATABASE_URL: t.databaseUrl,
        EVENT_STORE_URL: t.eventLogUrl,
      },
      timeout: 120_000,
    });
    const [events, status] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((event: { type: string }) => event.type)).toEqual(['PersonRegistered', 'ConsentGranted']);
    expect(status).toMatchObject({ status: { activeConsents: [{ scope: 'assistance' }] } });
  }, 180_000);
});
