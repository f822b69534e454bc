import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { createDataSource, migrate } from '../database/data-source';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { canonicalBytes, sealEvents, NEW_STREAM_HEAD } from '../integrity/canonical';
import { openCheckpoint } from '../integrity/checkpoint';
import { Frontier, leafHash, verifyConsistency, verifyInclusion } from '../integrity/merkle';
import { createNoteSigner, parseVerifierKey } from '../integrity/signed-note';
import { verifyExport } from '../integrity/verify-export';
import { CheckpointSigner, InconsistentCheckpointError, checkpointDue } from './checkpoint-signer';
import { exportLines } from './export-lines';
import { ForeignEventLogError, MerkleLog, MerkleLogBuilder } from './merkle-log';

const origin = 'journey-ledger.example/log';
const streams = ['journey-a', 'journey-b', 'journey-c'];

interface Ledger {
  database: TestDatabase;
  pool: Pool;
  store: PostgresEventStore;
  builder: MerkleLogBuilder;
  log: MerkleLog;
  signer: CheckpointSigner;
}

async function openLedger(): Promise<Ledger> {
  const database = await createTestDatabase();
  await migrate(database.url);
  const pool = new Pool({ connectionString: database.url, max: 6 });
  const store = new PostgresEventStore(pool, { pollIntervalMs: 100 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const noteSigner = createNoteSigner(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), origin);
  const log = new MerkleLog(pool);
  const builder = new MerkleLogBuilder(pool, store, { batchSize: 8 });
  await builder.start();
  return { database, pool, store, builder, log, signer: new CheckpointSigner(pool, log, noteSigner, origin) };
}

async function closeLedger({ database, pool, store, builder }: Ledger): Promise<void> {
  await builder.stop();
  await store.close();
  await pool.end();
  await database.drop();
}

/** Appends `count` events round-robin over the streams, step numbers from `first`. */
async function appendSteps(store: PostgresEventStore, count: number, first: number): Promise<void> {
  for (let step = first; step < first + count; step++) {
    await store.append(streams[step % streams.length], [newEvent(step)], 'any');
  }
}

/** Appends, then waits for the Merkle log to include it all. */
async function record(ledger: Ledger, count: number, first = 0): Promise<void> {
  await appendSteps(ledger.store, count, first);
  await ledger.builder.waitFor(await ledger.store.headPosition());
}

function newEvent(step: number) {
  return {
    eventId: randomUUID(),
    type: 'JourneyStepRecorded',
    schemaVersion: 1,
    occurredAt: '2024-05',
    data: { step },
    metadata: { actor: 'user-1', organisationId: 'org-1', correlationId: randomUUID(), causationId: null },
  };
}

/** The tree an auditor would build from the store's own global log, independently of the stored nodes. */
async function independentTree(store: PostgresEventStore, size: number): Promise<Frontier> {
  const frontier = Frontier.empty();
  for await (const event of store.readAll({ maxCount: size })) frontier.append(leafHash(canonicalBytes(event)));
  return frontier;
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line.trimEnd());
  return all;
}

async function verifyAgainstSigned(ledger: Ledger) {
  const { size, note } = await ledger.signer.sign();
  const checkpoint = openCheckpoint(note, parseVerifierKey(ledger.signer.verifierKey));
  return { size, verdict: await verifyExport(await collect(exportLines(ledger.log, ledger.store, 0, size, { leafHashes: true })), [checkpoint]) };
}

describe('the Merkle log on PostgreSQL', () => {
  let ledger: Ledger;
  beforeEach(async () => {
    ledger = await openLedger();
  });
  afterEach(async () => {
    await closeLedger(ledger);
  });

  test('logs every event in global order: roots and proofs match an independent tree', async () => {
    await record(ledger, 37);
    expect(ledger.builder.head).toEqual({ size: 37, position: await ledger.store.headPosition() });
    const tree = await independentTree(ledger.store, 37);
    const root = await ledger.log.rootHash(37);
    expect(root).toEqual(tree.root());
    const leaves: Buffer[] = [];
    for await (const event of ledger.store.readAll()) leaves.push(leafHash(canonicalBytes(event)));
    for (const index of [0, 1, 17, 36]) {
      expect(verifyInclusion(leaves[index], index, 37, await ledger.log.inclusionProof(index, 37), root)).toBe(true);
    }
    const older = (await independentTree(ledger.store, 10)).root();
    expect(verifyConsistency(10, 37, await ledger.log.consistencyProof(10, 37), older, root)).toBe(true);
    await expect(ledger.log.rootHash(38)).rejects.toThrow(RangeError);
  });

  test('a restarted builder resumes where the log ends', async () => {
    await record(ledger, 13);
    await ledger.builder.stop();
    await appendSteps(ledger.store, 11, 13);
    ledger.builder = new MerkleLogBuilder(ledger.pool, ledger.store, { batchSize: 5 });
    await ledger.builder.start();
    await ledger.builder.waitFor(await ledger.store.headPosition());
    expect((await ledger.log.head()).size).toBe(24);
    expect(await ledger.log.rootHash(24)).toEqual((await independentTree(ledger.store, 24)).root());
  });

  test('a builder refuses an event store whose log ends before what it logged: not the log the tree was built from', async () => {
    await record(ledger, 5);
    const other = await createTestDatabase();
    await migrate(other.url);
    const emptyStore = new PostgresEventStore(other.url, { poolSize: 2 });
    try {
      const builder = new MerkleLogBuilder(ledger.pool, emptyStore);
      await expect(builder.start()).rejects.toThrow(ForeignEventLogError);
      await expect(builder.start()).rejects.toThrow(/ends at position 0: it is not the log the Merkle log was built from/);
      expect((await ledger.log.head()).size).toBeGreaterThanOrEqual(5);
    } finally {
      await emptyStore.close();
      await other.drop();
    }
  });

  test('nodes are read across the runs of many batches: every inclusion and consistency proof checks out', async () => {
    await record(ledger, 45); // batches of at most 8: runs end and start all over the tree
    const leaves: Buffer[] = [];
    for await (const event of ledger.store.readAll()) leaves.push(leafHash(canonicalBytes(event)));
    const roots: Buffer[] = [Buffer.alloc(0)];
    for (let size = 1; size <= 45; size++) roots.push(await ledger.log.rootHash(size));
    const tree = Frontier.empty();
    for (let index = 0; index < 45; index++) {
      tree.append(leaves[index] as Buffer);
      expect(roots[index + 1]).toEqual(tree.root());
      expect(verifyInclusion(leaves[index], index, 45, await ledger.log.inclusionProof(index, 45), roots[45])).toBe(true);
    }
    for (let size = 1; size < 45; size++) {
      expect(verifyConsistency(size, 45, await ledger.log.consistencyProof(size, 45), roots[size], roots[45])).toBe(true);
    }
  });

  test('a second builder over the same log fails instead of forking the tree', async () => {
    await record(ledger, 6);
    const failures: Error[] = [];
    const second = new MerkleLogBuilder(ledger.pool, ledger.store, { batchSize: 4, onFailure: (error) => failures.push(error) });
    await second.start();
    await second.waitFor(await ledger.store.headPosition()); // nothing new: it only read the head
    await appendSteps(ledger.store, 9, 6);
    const head = await ledger.store.headPosition();
    const outcomes = await Promise.allSettled([ledger.builder.waitFor(head), second.waitFor(head)]);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({
      reason: { message: expect.stringContaining('another builder') },
    });
    await second.stop();
    expect(failures).toEqual(outcomes[1].status === 'rejected' ? [outcomes[1].reason] : []);
    expect((await ledger.log.head()).size).toBe(15);
    expect(await ledger.log.rootHash(15)).toEqual((await independentTree(ledger.store, 15)).root());
  });

  test('the runs migration keeps an existing log: down to a row per hash and up again, the same tree', async () => {
    await record(ledger, 29);
    await ledger.builder.stop();
    const before = await ledger.log.rootHash(29);
    const schema = createDataSource(ledger.database.url);
    await schema.initialize();
    try {
      // Newest first, through the runs migration (later ones are undone with it and redone after).
      for (let undone = ''; undone !== 'MerkleRuns1763900000400';) {
        [{ name: undone }] = await schema.query('SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1');
        await schema.undoLastMigration({ transaction: 'each' });
      }
      const { rows } = await ledger.pool.query<{ leaves: string }>('SELECT count(*) AS leaves FROM merkle_leaves');
      expect(Number(rows[0]?.leaves)).toBe(29);
      await schema.runMigrations({ transaction: 'each' });
    } finally {
      await schema.destroy();
    }
    expect(await ledger.log.head()).toEqual({ size: 29, position: await ledger.store.headPosition() });
    expect(await ledger.log.rootHash(29)).toEqual(before);
    ledger.builder = new MerkleLogBuilder(ledger.pool, ledger.store, { batchSize: 8 });
    await ledger.builder.start();
    await record(ledger, 10, 29);
    expect(await ledger.log.rootHash(39)).toEqual((await independentTree(ledger.store, 39)).root());
    const older = (await independentTree(ledger.store, 13)).root();
    expect(verifyConsistency(13, 39, await ledger.log.consistencyProof(13, 39), older, await ledger.log.rootHash(39))).toBe(true);
  });

  test('an untouched export verifies against a signed checkpoint', async () => {
    await record(ledger, 20);
    const { size, verdict } = await verifyAgainstSigned(ledger);
    expect(size).toBe(20);
    expect(verdict).toMatchObject({ ok: true, size: 20 });
  });

  test('signing extends the last signed checkpoint, and repeats it when nothing was logged', async () => {
    await record(ledger, 5);
    const first = await ledger.signer.sign();
    expect(await ledger.signer.sign()).toEqual(first);
    await record(ledger, 6, 5);
    const second = await ledger.signer.sign();
    expect(second.size).toBe(11);
    expect(await ledger.signer.latest()).toEqual(second);
    expect(await ledger.signer.atSize(5)).toEqual(first);
  });

  test('the signer refuses a tree that does not extend the last signed one', async () => {
    await record(ledger, 7);
    await ledger.signer.sign();
    // The subtree over leaves 0..3, which the signed tree of size 7 and every later tree are built on.
    await ledger.pool.query(
      `UPDATE merkle_node_runs SET hashes = overlay(hashes PLACING sha256(substring(hashes FROM 1 FOR 32)) FROM 1 FOR 32)
       WHERE level = 2 AND first_index = 0`,
    );
    await record(ledger, 5, 7);
    await expect(ledger.signer.sign()).rejects.toBeInstanceOf(InconsistentCheckpointError);
    expect((await ledger.signer.latest())?.size).toBe(7);
  });

  test('the position of each leaf: its event\u2019s store position, across the runs of many batches', async () => {
    await record(ledger, 45);
    const positions: number[] = [];
    for await (const event of ledger.store.readAll()) positions.push(event.position);
    for (let index = 0; index < 45; index++) expect(await ledger.log.positionOfLeaf(index)).toBe(positions[index]);
    await expect(ledger.log.positionOfLeaf(45)).rejects.toThrow(RangeError);
    await expect(ledger.log.positionOfLeaf(-1)).rejects.toThrow(RangeError);
  });

  test('the position of each leaf where store positions are not dense (as on EventStoreDB)', async () => {
    await ledger.builder.stop();
    // A store whose log skips every third position: leaf indices stay dense, positions do not.
    const store = ledger.store;
    const sparse = Object.assign(Object.create(store) as PostgresEventStore, {
      subscribeToCanonicalLog(options?: Parameters<PostgresEventStore['subscribeToCanonicalLog']>[0]) {
        const all = store.subscribeToCanonicalLog(options);
        return {
          close: () => all.close(),
          async *[Symbol.asyncIterator]() {
            for await (const event of all) if (event.position % 3 !== 0) yield event;
          },
        };
      },
    });
    ledger.builder = new MerkleLogBuilder(ledger.pool, sparse, { batchSize: 4 });
    await ledger.builder.start();
    await record(ledger, 20);
    const logged = Array.from({ length: 20 }, (_, index) => index + 1).filter((position) => position % 3 !== 0);
    expect((await ledger.log.head()).size).toBe(logged.length);
    for (const [index, position] of logged.entries()) expect(await ledger.log.positionOfLeaf(index)).toBe(position);
  });

  test('a checkpoint at exactly a size, signed on demand: kept, served by size, the same note whenever it is signed', async () => {
    await record(ledger, 20);
    const latest = await ledger.signer.sign();
    const at7 = await ledger.signer.signAt(7);
    expect(openCheckpoint(at7.note, parseVerifierKey(ledger.signer.verifierKey))).toEqual({ origin, size: 7, rootHash: await ledger.log.rootHash(7) });
    expect(await ledger.signer.atSize(7)).toEqual(at7);
    expect(await ledger.signer.signAt(7)).toEqual(at7);
    expect(await ledger.signer.signAt(20)).toEqual(latest);
    expect(await ledger.signer.latest()).toEqual(latest);
    // Ed25519 is deterministic: signed again from scratch, the same bytes.
    await ledger.pool.query('DELETE FROM signed_checkpoints WHERE tree_size = 7');
    expect((await ledger.signer.signAt(7)).note).toBe(at7.note);
    // Several at once: one signs, the others find it signed.
    const together = await Promise.all([ledger.signer.signAt(13), ledger.signer.signAt(13), ledger.signer.sign(), ledger.signer.signAt(13)]);
    expect(new Set(together.filter((checkpoint) => checkpoint.size === 13).map((checkpoint) => checkpoint.note)).size).toBe(1);
    expect(Number((await ledger.pool.query('SELECT count(*) FROM signed_checkpoints')).rows[0].count)).toBe(3);
    await expect(ledger.signer.signAt(21)).rejects.toThrow(RangeError);
  });

  test.each([
    ['a smaller signed checkpoint', 6, 8],
    ['a larger signed checkpoint', 8, 6],
  ])('a size on demand whose tree is not consistent with %s is refused, and nothing is signed', async (_, signedSize, size) => {
    await record(ledger, 8);
    await ledger.signer.signAt(signedSize);
    // The subtree over leaves 0..3, which both trees are built on.
    await ledger.pool.query(
      `UPDATE merkle_node_runs SET hashes = overlay(hashes PLACING sha256(substring(hashes FROM 1 FOR 32)) FROM 1 FOR 32)
       WHERE level = 2 AND first_index = 0`,
    );
    await expect(ledger.signer.signAt(size)).rejects.toMatchObject({ name: 'InconsistentCheckpointError', signedSize, size });
    expect(await ledger.signer.atSize(size)).toBeUndefined();
  });

  describe('tampering behind the store, under a signed checkpoint, is named', () => {
    // Positions are dense from 1, so the event at position p is leaf p - 1.
    test('one byte of one event changed with SQL', async () => {
      await record(ledger, 20);
      await ledger.signer.sign();
      await ledger.pool.query(
        `UPDATE events SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"step":7', '"step":8'), 'UTF8')
         WHERE position = 8`,
      );
      expect((await verifyAgainstSigned(ledger)).verdict).toMatchObject({ ok: false, index: 7, problem: 'altered' });
    });

    test('a row deleted', async () => {
      await record(ledger, 20);
      await ledger.signer.sign();
      await ledger.pool.query('DELETE FROM events WHERE position = 6');
      expect((await verifyAgainstSigned(ledger)).verdict).toMatchObject({ ok: false, index: 5, problem: 'missing' });
    });

    test("two rows' positions swapped", async () => {
      await record(ledger, 20);
      await ledger.signer.sign();
      // Positions 5 and 8 are steps 4 and 7, both of journey-b.
      await ledger.pool.query(`
        UPDATE events SET position = -1 WHERE position = 5;
        UPDATE events SET position = 5 WHERE position = 8;
        UPDATE events SET position = 8 WHERE position = -1`);
      expect((await verifyAgainstSigned(ledger)).verdict).toMatchObject({ ok: false, index: 4, problem: 'reordered' });
    });

    test('a row inserted between two events', async () => {
      await record(ledger, 20);
      const { note } = await ledger.signer.sign();
      const checkpoint = openCheckpoint(note, parseVerifierKey(ledger.signer.verifierKey));
      // A well-formed event of a stream of its own, with the positions after it moved up to make room.
      const [forged] = sealEvents('journey-forged', NEW_STREAM_HEAD, [newEvent(99)], new Date().toISOString());
      await ledger.pool.query(`
        UPDATE events SET position = -position - 1 WHERE position > 10;
        UPDATE events SET position = -position WHERE position < 0`);
      await ledger.pool.query(
        `INSERT INTO events (position, stream_id, stream_revision, event_id, type, canonical, event_hash, recorded_at)
         VALUES (11, 'journey-forged', 0, $1, 'JourneyStepRecorded', $2, $3, now())`,
        [forged.envelope.eventId, forged.canonical, Buffer.from(forged.eventHash, 'hex')],
      );
      const exported = await collect(exportLines(ledger.log, ledger.store, 0, 20, { leafHashes: true }));
      // Every line is self-consistent; the log's own leaf hashes, which the checkpoint confirms, place it.
      expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 10, problem: 'inserted' });
      // Without them only the root shows it.
      const withoutLeafHashes = exported.map((line) => line.replace(/,"leafHash":"[0-9a-f]{64}"/, ''));
      expect(await verifyExport(withoutLeafHashes, [checkpoint])).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
    });
  });
});

describe('when a checkpoint is due', () => {
  const policy = { everyEvents: 100, everyMs: 60_000 };
  const last = { size: 50, note: '', signedAt: new Date('2026-01-01T00:00:00Z') };
  test.each([
    ['nothing signed yet and something logged', undefined, 1, '2026-01-01T00:00:01Z', true],
    ['nothing signed and nothing logged', undefined, 0, '2026-01-01T00:00:01Z', false],
    ['enough events', last, 150, '2026-01-01T00:00:01Z', true],
    ['too few events, too soon', last, 149, '2026-01-01T00:00:59Z', false],
    ['long enough since, with new events', last, 51, '2026-01-01T00:01:00Z', true],
    ['long enough since, nothing new', last, 50, '2026-01-01T01:00:00Z', false],
  ])('%s', (_, previous, size, now, due) => {
    expect(checkpointDue(previous, size, new Date(now), policy)).toBe(due);
  });
});
