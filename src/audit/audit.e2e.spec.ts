import { Command } from 'commander';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startTestApp } from '../../test/support/app';
import type { EventStore, NewEvent } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { NEW_STREAM_HEAD, sealEvents } from '../integrity/canonical';
import { openCheckpoint, signCheckpoint } from '../integrity/checkpoint';
import { leafHash, verifyConsistency, verifyInclusion } from '../integrity/merkle';
import { createNoteSigner, parseVerifierKey } from '../integrity/signed-note';
import { registerVerifyCommand, runVerify } from './verify.command';

const origin = 'journey-ledger.test/log';
const streams = ['journey-a', 'journey-b', 'journey-c'];

function signingKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

function step(n: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'JourneyStepRecorded',
    schemaVersion: 1,
    occurredAt: '2024-05',
    data: { step: n },
    metadata: { actor: 'user-1', organisationId: 'org-a', correlationId: randomUUID(), causationId: null },
  };
}

/** Steps `first..first+count-1`, round-robin over three streams: position p holds step p - 1, which is leaf p - 1. */
async function appendSteps(store: EventStore, count: number, first = 0): Promise<void> {
  for (let n = first; n < first + count; n++) await store.append(streams[n % streams.length], [step(n)], 'any');
}

async function startAuditApp(env: Record<string, string> = {}) {
  const signingKey = signingKeyPem();
  const t = await startTestApp({
    JOURNEY_CHECKPOINT_KEY: signingKey,
    JOURNEY_CHECKPOINT_ORIGIN: origin,
    JOURNEY_CHECKPOINT_EVERY_SECONDS: '3600',
    ...env,
  });
  const auditor = await t.token('auditor');
  // The export is the whole ledger's, for ledger auditors only; they verify it (`verify --online`) with their proofs too.
  const ledgerAuditor = await t.token('ledger_auditor');
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    t,
    signingKey,
    auditor,
    ledgerAuditor,
    store: t.app.get<symbol, EventStore>(EVENT_STORE),
    url: await t.app.getUrl(),
    get: (path: string, token = auditor) => t.http().get(path).set(as(token)),
    exported: (query = '') => t.http().get(`/audit/export${query}`).set(as(ledgerAuditor)),
    sign: (token = auditor) => t.http().post('/audit/checkpoints').set(as(token)),
  };
}

describe('the audit API', () => {
  let app: Awaited<ReturnType<typeof startAuditApp>>;
  beforeAll(async () => {
    app = await startAuditApp({ JOURNEY_CHECKPOINT_EVERY_EVENTS: '5' });
  });
  afterAll(() => app.t.close());

  test('before anything is logged there is no checkpoint, and the public key is published without a token', async () => {
    expect((await app.t.http().get('/audit/checkpoint')).status).toBe(404);
    const key = await app.t.http().get('/audit/public-key');
    expect(key.status).toBe(200);
    expect(key.headers['content-type']).toMatch(/^text\/plain/);
    expect(key.text).toMatch(new RegExp(`^${origin.replace('.', '\\.')}\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]+=*\\n$`));
  });

  test('events recorded through the API are logged, signed on schedule and on demand, and verify', async () => {
    const caseworker = await app.t.token('caseworker');
    for (const citizenship of ['MD', 'UA', 'RO', 'BG', 'AL', 'RS']) {
      const registered = await app.t
        .http()
        .post('/persons')
        .set('authorization', `Bearer ${caseworker}`)
        .send({ gender: 'female', birthYear: 1994, citizenship, occurredAt: '2024-02-10' });
      expect(registered.status).toBe(201);
    }
    const key = parseVerifierKey((await app.t.http().get('/audit/public-key')).text);
    // Unasked, the schedule signs once something is logged, then every 5 events (by configuration; T is an hour).
    const scheduledSize = async (atLeast: number) => {
      for (let tries = 0; tries < 100; tries++) {
        const latest = await app.t.http().get('/audit/checkpoint');
        if (latest.status === 200 && openCheckpoint(latest.text, key).size >= atLeast) return openCheckpoint(latest.text, key).size;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`No checkpoint of size ${atLeast} or more was signed on schedule`);
    };
    const first = await scheduledSize(1);
    await appendSteps(app.store, 5);
    expect(await scheduledSize(first + 5)).toBeGreaterThanOrEqual(first + 5);

    const signed = await app.sign();
    expect(signed.status).toBe(200);
    expect(signed.headers['content-type']).toMatch(/^text\/plain/);
    expect(openCheckpoint(signed.text, key)).toMatchObject({ origin, size: 11 });
    expect((await app.t.http().get('/audit/checkpoint')).text).toBe(signed.text);
    expect((await app.get('/audit/checkpoints?size=11')).text).toBe(signed.text);

    const report = await runVerify({ online: app.url, token: app.ledgerAuditor, checkpoint: [] });
    expect(report).toMatchObject({ ok: true, events: 11, index: null, checkpoint: { size: 11 } });
  });

  test('signing now waits for the log to include every event appended before the request', async () => {
    const before = openCheckpoint((await app.sign()).text, parseVerifierKey((await app.t.http().get('/audit/public-key')).text)).size;
    await appendSteps(app.store, 7);
    const after = openCheckpoint((await app.sign()).text, parseVerifierKey((await app.t.http().get('/audit/public-key')).text));
    expect(after.size).toBe(before + 7);
  });

  test('only auditors read proofs and checkpoints by size, only ledger auditors export; auditors and admins sign', async () => {
    const caseworker = await app.t.token('caseworker');
    for (const path of ['/audit/export', '/audit/checkpoints?size=1', '/audit/proofs/inclusion?index=0&treeSize=1', '/audit/proofs/consistency?from=0&to=1']) {
      expect((await app.get(path, caseworker)).status).toBe(403);
      expect((await app.t.http().get(path)).status).toBe(401);
    }
    expect((await app.get('/audit/export')).status).toBe(403);
    expect((await app.sign(caseworker)).status).toBe(403);
    expect((await app.sign(app.ledgerAuditor)).status).toBe(403);
    expect((await app.sign(await app.t.token('admin'))).status).toBe(200);
  });

  test('inclusion and consistency proofs verify against signed roots, over leaves from the export', async () => {
    const key = parseVerifierKey((await app.t.http().get('/audit/public-key')).text);
    const older = openCheckpoint((await app.sign()).text, key);
    await appendSteps(app.store, 4, 100);
    const newer = openCheckpoint((await app.sign()).text, key);
    const lines = (await app.exported(`?from=0&to=${newer.size}`)).text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(newer.size);
    for (const index of [0, older.size - 1, newer.size - 1]) {
      const proof = (await app.get(`/audit/proofs/inclusion?index=${index}&treeSize=${newer.size}`)).body;
      expect(proof).toMatchObject({ leafIndex: index, treeSize: newer.size });
      const leaf = leafHash(Buffer.from(lines[index].canonical, 'base64'));
      const hashes = proof.hashes.map((hash: string) => Buffer.from(hash, 'base64'));
      expect(verifyInclusion(leaf, index, newer.size, hashes, newer.rootHash)).toBe(true);
      expect(verifyInclusion(leaf, index, newer.size, hashes, older.rootHash)).toBe(false);
    }
    const consistency = (await app.get(`/audit/proofs/consistency?from=${older.size}&to=${newer.size}`)).body;
    const hashes = consistency.hashes.map((hash: string) => Buffer.from(hash, 'base64'));
    expect(verifyConsistency(older.size, newer.size, hashes, older.rootHash, newer.rootHash)).toBe(true);
  });

  test("two checkpoints: offline the export reaches both, or the older with a consistency proof; online by the server's proof", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'journey-ledger-audit-'));
    const save = async (name: string, text: string) => {
      await writeFile(join(folder, name), text);
      return join(folder, name);
    };
    try {
      const key = (await app.t.http().get('/audit/public-key')).text;
      const olderNote = (await app.sign()).text;
      const older = openCheckpoint(olderNote, parseVerifierKey(key));
      await appendSteps(app.store, 3, 200);
      const newerNote = (await app.sign()).text;
      const newer = openCheckpoint(newerNote, parseVerifierKey(key));
      const files = {
        publicKey: await save('key.txt', key),
        checkpoint: [await save('older.txt', olderNote), await save('newer.txt', newerNote)],
      };
      const whole = await save('whole.ndjson', (await app.exported()).text);
      expect(await runVerify({ ...files, export: whole })).toMatchObject({ ok: true, events: newer.size, checkpoint: { size: newer.size } });

      const upToOlder = await save('older.ndjson', (await app.exported(`?to=${older.size}`)).text);
      expect(await runVerify({ ...files, export: upToOlder })).toMatchObject({ ok: false, index: older.size, problem: 'missing' });
      const proof = await save('proof.json', (await app.get(`/audit/proofs/consistency?from=${older.size}&to=${newer.size}`)).text);
      expect(await runVerify({ ...files, export: upToOlder, consistencyProof: proof })).toMatchObject({ ok: true, checkpoint: { size: older.size } });

      // A log that signed another tree of the older size (a split view) is caught by the proof.
      const forkedNote = signCheckpoint({ ...older, rootHash: Buffer.alloc(32, 1) }, createNoteSigner(app.signingKey, origin));
      const forked = await save('forked.txt', forkedNote);
      expect(await runVerify({ ...files, checkpoint: [forked, files.checkpoint[1]], export: upToOlder, consistencyProof: proof })).toMatchObject({
        ok: false,
        problem: 'inconsistent-checkpoints',
      });
      const online = { online: app.url, token: app.ledgerAuditor, publicKey: files.publicKey };
      expect(await runVerify({ ...online, checkpoint: [files.checkpoint[0]] })).toMatchObject({ ok: true });
      expect(await runVerify({ ...online, checkpoint: [forked] })).toMatchObject({ ok: false, problem: 'inconsistent-checkpoints' });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  test('an export range is [from, to), one line per event with exactly index, canonical and eventHash', async () => {
    const answer = await app.exported('?from=3&to=7');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = answer.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.index)).toEqual([3, 4, 5, 6]);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['index', 'canonical', 'eventHash']);
      expect(line.eventHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  test("metrics show the Merkle log's size and its lag behind the event log", async () => {
    await appendSteps(app.store, 3, 100);
    const signed = await app.sign(); // waits for the builder to log everything committed before it
    expect(signed.status).toBe(200);
    const size = openCheckpoint(signed.text, parseVerifierKey((await app.t.http().get('/audit/public-key')).text)).size;
    const metrics = await app.get('/metrics', await app.t.token('admin'));
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain(`journey_merkle_log_leaves ${size}\n`);
    expect(metrics.text).toContain('journey_merkle_log_lag 0\n');
  });

  test("with include=leafHash each line also carries the log's leaf hash of its index", async () => {
    const answer = await app.exported('?from=3&to=7&include=leafHash');
    expect(answer.status).toBe(200);
    const lines = answer.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.index)).toEqual([3, 4, 5, 6]);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['index', 'canonical', 'eventHash', 'leafHash']);
      expect(line.leafHash).toBe(leafHash(Buffer.from(line.canonical, 'base64')).toString('hex'));
    }
  });

  test.each([
    ['/audit/export?include=everything', 400, 'include'],
    ['/audit/checkpoints', 400, 'size'],
    ['/audit/checkpoints?size=-1', 400, 'size'],
    ['/audit/checkpoints?size=99999', 404, undefined],
    ['/audit/proofs/inclusion?index=x&treeSize=3', 400, 'index'],
    ['/audit/proofs/inclusion?index=3&treeSize=3', 400, 'index'],
    ['/audit/proofs/inclusion?index=0&treeSize=1.5', 400, 'treeSize'],
    ['/audit/proofs/inclusion?index=0&treeSize=99999', 404, undefined],
    ['/audit/proofs/consistency?from=4&to=3', 400, 'from'],
    ['/audit/proofs/consistency?from=1', 400, 'to'],
    ['/audit/proofs/consistency?from=1&to=99999', 404, undefined],
    ['/audit/export?from=1e3', 400, 'from'],
    ['/audit/export?from=5&to=4', 400, 'from'],
    ['/audit/export?to=99999', 404, undefined],
  ])('%s answers %i', async (path, status, field) => {
    const answer = await app.get(path, path.startsWith('/audit/export') ? app.ledgerAuditor : app.auditor);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (field) expect(answer.body.errors).toEqual([expect.objectContaining({ field })]);
    else expect(answer.body.detail).toMatch(/the log holds \d+ events|no checkpoint was signed at size 99999/i);
  });

  test('every audit route is documented in OpenAPI', async () => {
    const paths = Object.keys((await app.t.http().get('/docs/openapi.json')).body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/audit/checkpoint',
        '/audit/checkpoints',
        '/audit/public-key',
        '/audit/proofs/inclusion',
        '/audit/proofs/consistency',
        '/audit/export',
      ]),
    );
  });
});

describe('tampering behind the store is found by the verifier, through the real export', () => {
  let app: Awaited<ReturnType<typeof startAuditApp>>;
  let pool: Pool;
  let files: string;
  const size = 21;

  beforeAll(async () => {
    app = await startAuditApp();
    pool = new Pool({ connectionString: app.t.eventLogUrl, max: 2 }); // the tampering is with the event log
    files = await mkdtemp(join(tmpdir(), 'journey-ledger-audit-'));
    await appendSteps(app.store, size);
    expect((await app.sign()).status).toBe(200);
    await pool.query('CREATE TABLE events_as_signed AS TABLE events');
  });
  afterEach(async () => {
    await pool.query('DELETE FROM events; INSERT INTO events SELECT * FROM events_as_signed');
  });
  afterAll(async () => {
    await pool.end();
    await app.t.close();
    await rm(files, { recursive: true, force: true });
  });

  /** The offline path: the ledger auditor downloads key, checkpoint and export to files, then verifies them. */
  async function verifyDownloaded(exportQuery = '') {
    const download = async (name: string, path: string) => {
      const answer = await app.get(path, app.ledgerAuditor);
      expect(answer.status).toBe(200);
      await writeFile(join(files, name), answer.text);
      return join(files, name);
    };
    return runVerify({
      publicKey: await download('key.txt', '/audit/public-key'),
      checkpoint: [await download('checkpoint.txt', '/audit/checkpoint')],
      export: await download('export.ndjson', `/audit/export${exportQuery}`),
    });
  }
  const verifyOnline = () => runVerify({ online: app.url, token: app.ledgerAuditor, checkpoint: [] });

  async function swapPositions(a: number, b: number): Promise<void> {
    await pool.query(`UPDATE events SET position = -1 WHERE position = ${a};
      UPDATE events SET position = ${a} WHERE position = ${b};
      UPDATE events SET position = ${b} WHERE position = -1`);
  }

  test('untouched, it verifies offline and online', async () => {
    expect(await verifyDownloaded()).toMatchObject({ ok: true, events: size, index: null });
    expect(await verifyOnline()).toMatchObject({ ok: true, events: size, index: null });
  });

  test('one byte of one event changed with SQL', async () => {
    await pool.query(`UPDATE events SET canonical = set_byte(canonical, position('"step":7'::bytea in canonical) + 6, 56) WHERE position = 8`);
    for (const report of [await verifyDownloaded(), await verifyOnline()]) {
      expect(report).toMatchObject({ ok: false, index: 7, problem: 'altered' });
      expect(report.message).toMatch(/^index 7: altered/);
    }
  });

  test('one event spelled otherwise with SQL (the same JSON, one space more), its hash recomputed: named where it is', async () => {
    // The last event of its stream, so no chain shows it; nor does its hash. Only its bytes do: not canonical.
    await pool.query(
      `UPDATE events SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"step":', '"step": '), 'UTF8') WHERE position = ${size}`,
    );
    await pool.query(`UPDATE events SET event_hash = sha256(canonical) WHERE position = ${size}`);
    for (const report of [await verifyDownloaded(), await verifyOnline()]) {
      expect(report).toMatchObject({ ok: false, index: size - 1, problem: 'altered' });
      expect(report.message).toMatch(/not the RFC 8785 form of their JSON/);
    }
  });

  test('through the command line: the exit code says it and the output names the index', async () => {
    await pool.query('DELETE FROM events WHERE position = 13');
    const key = join(files, 'cli-key.txt');
    const checkpoint = join(files, 'cli-checkpoint.txt');
    await writeFile(key, (await app.get('/audit/public-key')).text);
    await writeFile(checkpoint, (await app.get('/audit/checkpoint')).text);
    const printed: string[] = [];
    const print = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      const program = new Command().exitOverride();
      registerVerifyCommand(program);
      await program.parseAsync(['verify', '--online', app.url, '--token', app.ledgerAuditor, '--public-key', key, '--checkpoint', checkpoint], {
        from: 'user',
      });
      expect(process.exitCode).toBe(2);
      // Not a terminal (as under jest): the one JSON summary line, which names the index and says what is wrong.
      expect(printed).toHaveLength(1);
      expect(JSON.parse(printed[0]!)).toMatchObject({
        ok: false,
        index: 12,
        problem: 'missing',
        size,
        events: size - 1,
        message: expect.stringMatching(/^index 12: missing/),
      });
    } finally {
      print.mockRestore();
      process.exitCode = undefined;
    }
  });

  test('a row deleted', async () => {
    await pool.query('DELETE FROM events WHERE position = 6');
    for (const report of [await verifyDownloaded(), await verifyOnline()]) {
      expect(report).toMatchObject({ ok: false, index: 5, problem: 'missing' });
    }
  });

  test("two rows' positions swapped, of one stream: their chain names it offline", async () => {
    await swapPositions(5, 8); // steps 4 and 7, both of journey-b
    for (const report of [await verifyDownloaded(), await verifyOnline()]) {
      expect(report).toMatchObject({ ok: false, index: 4, problem: 'reordered' });
    }
  });

  test("two rows' positions swapped, of different streams: named offline with the log's leaf hashes, and online", async () => {
    await swapPositions(5, 6); // steps 4 and 5: journey-b and journey-c, each chain intact
    expect(await verifyDownloaded('?include=leafHash')).toMatchObject({ ok: false, index: 4, problem: 'reordered' });
    const offline = await verifyDownloaded();
    expect(offline).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
    expect(offline.message).toMatch(/export with include=leafHash, or run with --online, to locate the first differing index/);
    expect(await verifyOnline()).toMatchObject({ ok: false, index: 4 });
  });

  test('a row inserted between two signed events, positions after it renumbered: named offline with leaf hashes, and online', async () => {
    const [forged] = sealEvents('journey-forged', NEW_STREAM_HEAD, [step(99)], new Date().toISOString());
    await pool.query('UPDATE events SET position = -position - 1 WHERE position > 10; UPDATE events SET position = -position WHERE position < 0');
    await pool.query(
      `INSERT INTO events (position, stream_id, stream_revision, event_id, type, canonical, event_hash, recorded_at)
       VALUES (11, 'journey-forged', 0, $1, 'JourneyStepRecorded', $2, $3, now())`,
      [forged.envelope.eventId, forged.canonical, Buffer.from(forged.eventHash, 'hex')],
    );
    expect(await verifyDownloaded('?include=leafHash')).toMatchObject({ ok: false, index: 10, problem: 'inserted' });
    expect(await verifyDownloaded()).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
    expect(await verifyOnline()).toMatchObject({ ok: false, index: 10 });
  });
});
