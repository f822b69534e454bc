import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MerkleLogBuilder } from '../audit/merkle-log';
import { ProjectionWorker } from '../projections/projections.module';
import { startTestApp, type TestApp } from '../../test/support/app';

describe('health: live and ready', () => {
  let t: TestApp;
  const logFile = join(tmpdir(), `journey-health-${randomUUID()}.log`);
  beforeAll(
    async () =>
      (t = await startTestApp({ JOURNEY_READY_MAX_PROJECTION_LAG: '2', JOURNEY_READY_MAX_MERKLE_LAG: '2', JOURNEY_LOG_FILE: logFile, LOG_LEVEL: 'warn' })),
  );
  afterAll(async () => {
    await t.close();
    rmSync(logFile, { force: true });
  });

  const register = async () =>
    t
      .http()
      .post('/persons')
      .set('authorization', `Bearer ${await t.token('caseworker')}`)
      .send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });

  test('ready (and /health, the same) names the database, the event store, the read models and the Merkle log, each up', async () => {
    for (const path of ['/health/ready', '/health']) {
      const answer = await t.http().get(path);
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body.info).sort()).toEqual(['database', 'eventStore', 'merkleLog', 'projections']);
    }
    expect((await t.http().get('/health/live')).status).toBe(200);
  });

  test('a read model trailing the log beyond its threshold makes the app not ready, while it stays live', async () => {
    await t.app.get(ProjectionWorker).runner.stop();
    for (let i = 0; i < 3; i += 1) expect((await register()).status).toBe(201);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(ready.body.failedChecks.projections).toMatchObject({ status: 'down', lag: 3, maxLag: 2 });
    expect((await t.http().get('/health/live')).status).toBe(200);
    t.app.get(ProjectionWorker).runner.start();
  });

  test('so does a Merkle log trailing the event log', async () => {
    const builder = t.app.get(MerkleLogBuilder);
    await builder.waitFor((await register()).body.position);
    await builder.stop();
    for (let i = 0; i < 3; i += 1) expect((await register()).status).toBe(201);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.failedChecks.merkleLog).toMatchObject({ status: 'down', lag: 3, maxLag: 2 });
  });

  test('not being ready is logged as a warning, in one line per answer, never as an error with a stack', () => {
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    const notReady = lines.filter((line) => line.msg.startsWith('503 Not ready'));
    expect(notReady.map((line) => line.msg)).toEqual([expect.stringMatching(/Failing: .*projections/), expect.stringMatching(/Failing: .*merkleLog/)]);
    expect(notReady.every((line) => line.level === 40)).toBe(true);
  });
});

describe('metrics count every answer, the guard\u2019s own included', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ JOURNEY_AUTH_FAILURES_PER_MINUTE: '2' })));
  afterAll(() => t.close());

  test('401, 403 and 429 appear in journey_http_errors_total by route', async () => {
    const evaluator = await t.token('evaluator');
    const admin = await t.token('admin');
    expect((await t.http().post('/persons').set('authorization', `Bearer ${evaluator}`).send({})).status).toBe(403);
    for (let i = 0; i < 2; i += 1) expect((await t.http().post('/persons').send({})).status).toBe(401);
    expect((await t.http().post('/persons').send({})).status).toBe(429);
    const metrics = await t.http().get('/metrics').set('authorization', `Bearer ${admin}`);
    expect(metrics.status).toBe(200);
    for (const status of ['401', '403', '429']) {
      expect(metrics.text).toMatch(new RegExp(`journey_http_errors_total\\{route="/persons",status="${status}"\\} \\d+`));
    }
    expect(metrics.text).toMatch(/journey_http_request_duration_seconds_count\{method="POST",route="\/persons",status="401"\} 2/);
  });
});
