import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { startTestApp, type TestApp } from '../../test/support/app';
import { generateJourneyLines } from '../../test/support/generate';

const MB = 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** POST /imports with a body streamed from `chunks` (chunked transfer: the server never learns its length first). */
function postStream(t: TestApp, token: string, chunks: Iterable<Buffer>, headers: Record<string, string> = {}): Promise<Answer> {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/imports',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', ...headers },
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(Buffer.concat(parts).toString() || '{}') }),
        );
      },
    );
    call.on('error', reject);
    Readable.from(chunks).pipe(call);
  });
}

/** Lines made as they are sent, a chunk of about 64 kB at a time: the test never holds the body either. */
function* chunksOf(lines: Iterable<string>): Generator<Buffer> {
  let chunk = '';
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= 64 * 1024) {
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  if (chunk) yield Buffer.from(chunk);
}

/**
 * How much the live heap of this process (the app and the test alike) grows at most while `work` runs: the heap
 * left after each full collection, against the heap before. V8 collects lazily, so the heap in use between
 * collections is mostly garbage; what survives a full collection is what is held. V8's own collections are
 * recorded even in the middle of synchronous work, and one is forced whenever the event loop is free.
 */
async function liveHeapGrowthDuring<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  if (!gc) throw new Error('V8 would not expose its collector (--expose-gc): the live heap cannot be measured');
  gc();
  const baseline = getHeapStatistics().used_heap_size;
  const profiler = new GCProfiler();
  profiler.start();
  const collector = setInterval(gc, 100);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(collector);
  }
  const fullCollections = profiler.stop().statistics.filter((collection) => collection.gcType === 'MarkSweepCompact');
  expect(fullCollections.length).toBeGreaterThan(0);
  const peak = Math.max(...fullCollections.map((collection) => collection.afterGC.heapStatistics.usedHeapSize));
  return { result, growth: peak - baseline };
}

/** The app with an import limit, a programme manager's token, and the event log, to see that nothing was written. */
interface ImportingApp {
  t: TestApp;
  manager: string;
  store: PostgresEventStore;
}

/** Started before the tests of the describe that calls it, stopped after them. */
function importingApp(limit: string): ImportingApp {
  const app = {} as ImportingApp;
  beforeAll(async () => {
    app.t = await startTestApp({ JOURNEY_IMPORT_LIMIT: limit });
    app.manager = await app.t.token('programme_manager', 'org-a');
    app.store = new PostgresEventStore(app.t.eventLogUrl, { poolSize: 1 });
  });
  afterAll(async () => {
    await app.store.close();
    await app.t.close();
  });
  return app;
}

describe('a bounded import (POST /imports)', () => {
  const app = importingApp('64mb');

  test('tens of megabytes of bad lines raise the heap by less than 100 MB; 1,000 errors are listed and the other bad lines counted', async () => {
    const badLines = 30_000;
    // Eighty unknown fields a line: eighty errors, each an object the server would have to hold.
    const unknownFields = Array.from({ length: 80 }, (_, k) => `"unknown${k}": ${k}`).join(', ');
    let sent = 0;
    function* lines(): Generator<string> {
      for (let i = 1; i <= badLines; i++) {
        const line =
          i === 5
            ? `{"personId": "${'x'.repeat(3 * MB)}"}` // longer than any line is read
            : i % 10 === 0
              ? `{"personId": "p-${i}", "type": "ContactLost", "occurredAt": "2024-02-`
              : `{"personId": "p-${i}", "type": "ContactLost", "occurredAt": "2024-13-01", "organisationId": "org-a", "data": {}, ${unknownFields}}`;
        sent += line.length + 1;
        yield line;
      }
    }
    const before = await app.store.headPosition();
    const { result: answer, growth } = await liveHeapGrowthDuring(() => postStream(app.t, app.manager, chunksOf(lines())));

    expect(sent).toBeGreaterThan(30 * MB);
    expect(growth / MB).toBeLessThan(100);
    expect(answer.status).toBe(400);
    const errors = answer.body.errors as { line: number; field: string; reason: string }[];
    expect(errors).toHaveLength(1000);
    const listedLines = new Set(errors.map((error) => error.line));
    expect([...listedLines]).toEqual(Array.from({ length: listedLines.size }, (_, i) => i + 1)); // the first bad lines
    expect(answer.body.moreBadLines).toBe(badLines - listedLines.size);
    expect(errors.find((error) => error.line === 10)).toEqual({ line: 10, field: 'line', reason: 'not valid JSON' });
    expect(errors.find((error) => error.line === 5)).toEqual({ line: 5, field: 'line', reason: `longer than ${MB} bytes` });
    expect(await app.store.headPosition()).toBe(before);
  });

  test('a valid file sent gzip-compressed and streamed is imported', async () => {
    const lines = [...generateJourneyLines({ persons: 20, eventsPerPerson: 8, seed: 31, organisations: ['org-a'] })];
    const answer = await postStream(app.t, app.manager, [gzipSync(`${lines.join('\r\n')}\r\n`)], { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ persons: 20, events: 160, written: 160, dryRun: false });
  });

  test('a body that is not what its Content-Encoding says is refused, and an unknown coding too', async () => {
    const garbled = await postStream(app.t, app.manager, [Buffer.from('{"not": "gzip"}\n')], { 'content-encoding': 'gzip' });
    expect(garbled.status).toBe(400);
    expect(garbled.body.errors).toEqual([{ field: 'body', reason: 'not valid gzip' }]);
    const unknown = await postStream(app.t, app.manager, [Buffer.from('{}\n')], { 'content-encoding': 'zip' });
    expect(unknown.status).toBe(415);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('the import limit (JOURNEY_IMPORT_LIMIT)', () => {
  const app = importingApp('1mb');

  // Valid lines, so that only the size can be the reason for a refusal.
  const validBody = (bytes: number) => {
    const lines: string[] = [];
    let size = 0;
    for (const line of generateJourneyLines({ persons: 100_000, eventsPerPerson: 5, seed: 32, organisations: ['org-a'] })) {
      if (size >= bytes) break;
      lines.push(line);
      size += line.length + 1;
    }
    return `${lines.join('\n')}\n`;
  };

  test('a body over the limit answers 413 and writes nothing: announced, streamed, or compressed', async () => {
    const before = await app.store.headPosition();
    const body = validBody(1.5 * MB);
    const announced = await app.t
      .http()
      .post('/imports')
      .set({ authorization: `Bearer ${app.manager}`, 'content-type': 'application/x-ndjson' })
      .send(body);
    expect(announced.status).toBe(413);
    expect(announced.headers['content-type']).toMatch(/application\/problem\+json/);
    const streamed = await postStream(app.t, app.manager, chunksOf(body.split('\n').slice(0, -1)));
    expect(streamed.status).toBe(413);
    const compressed = gzipSync(body);
    expect(compressed.length).toBeLessThan(MB);
    expect((await postStream(app.t, app.manager, [compressed], { 'content-encoding': 'gzip' })).status).toBe(413);
    expect(await app.store.headPosition()).toBe(before);
    // The connection is still good for the next request, and a body within the limit is imported.
    const within = await app.t
      .http()
      .post('/imports?dryRun=true')
      .set({ authorization: `Bearer ${app.manager}`, 'content-type': 'application/x-ndjson' })
      .send(validBody(0.5 * MB));
    expect(within.status).toBe(200);
  });
});
