import { generateKeyPairSync, hash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { MERKLE_LOG_BUILDER_OPTIONS } from '../../src/audit/merkle-log-following';
import { CheckpointSchedule } from '../../src/audit/checkpoint-schedule';
import { verifyOffline } from '../../src/audit/verification';
import type { NewEvent } from '../../src/event-store/event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { NEW_STREAM_HEAD, sealEvents } from '../../src/integrity/canonical';
import { signCheckpoint } from '../../src/integrity/checkpoint';
import { CheckpointSigner } from '../../src/audit/checkpoint-signer';
import { readInThreads } from '../../src/integrity/line-readers';
import { Frontier, leafHash } from '../../src/integrity/merkle';
import { MerkleLog, MerkleLogBuilder } from '../../src/audit/merkle-log';
import { createNoteSigner } from '../../src/integrity/signed-note';
import { exportLine } from '../../src/integrity/verify-export';

const ORIGIN = 'journey-ledger.bench/log';

/**
 * Integrity figures:
 * - verifyEventsPerSec: the offline verifier (`verify --export`, the CLI's code path: lines read in one worker
 *   thread per core) over an export file of 1,000,000 × scale realistic events (~700 canonical bytes, chained per
 *   stream, streams interleaved), from disk;
 * - rawSha256EventsPerSec: this machine's limit for the same hashing, per event SHA-256 of the canonical bytes,
 *   SHA-256 of 0x00 || canonical, and one 65-byte node hash, on bytes already in memory, nothing else, done the
 *   cheapest way Node can (digests as strings: a Buffer per digest would make the limit look a third as fast);
 * - integrityAppendOverheadPct: the cost to appends of the part of integrity that can be switched off: appends/s
 *   (4 concurrent writers) with the Merkle log builder and checkpoint schedule running vs without, alternated;
 *   (without - with) / without, in %.
 *   The hash chain (canonical bytes + SHA-256 in every append) cannot be switched off; its CPU cost per event is
 *   printed to stderr next to the append latency.
 */
export async function benchIntegrity(url: string, scale: number) {
  const folder = await mkdtemp(join(tmpdir(), 'journey-ledger-integrity-'));
  try {
    const events = Math.max(10_000, Math.round(1_000_000 * scale));
    const files = await writeSignedExport(folder, events);
    // Each measured three times, alternately, keeping the best: a busy machine slows a run, never speeds one up.
    let verifyEventsPerSec = 0;
    let rawSha256EventsPerSec = 0;
    for (let run = 0; run < 3; run++) {
      global.gc?.(); // each from a collected heap, not the export's making
      const started = performance.now();
      const inputs = { exportFile: files.export, checkpointFiles: [files.checkpoint], publicKeyFile: files.publicKey };
      const report = await verifyOffline(inputs, undefined, readInThreads(availableParallelism())); // as the CLI does
      verifyEventsPerSec = Math.max(verifyEventsPerSec, events / ((performance.now() - started) / 1000));
      if (!report.ok) throw new Error(`The generated export did not verify: ${report.message}`);
      global.gc?.();
      rawSha256EventsPerSec = Math.max(rawSha256EventsPerSec, rawSha256Rate(files.sample, events));
    }
    const integrityAppendOverheadPct = await appendOverhead(url, 4 * Math.max(100, Math.round(500 * scale)));
    process.stderr.write(
      `  integrity: ${events} events (${files.meanBytes.toFixed(0)} canonical bytes on average); sealing (canonical bytes + SHA-256, inside every append) ` +
        `${files.sealMicros.toFixed(1)} µs/event; verify/raw = ${(verifyEventsPerSec / rawSha256EventsPerSec).toFixed(2)}\n`,
    );
    return { verifyEventsPerSec, rawSha256EventsPerSec, integrityAppendOverheadPct };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

const EVENTS_PER_STREAM = 10;
const STREAMS_PER_BLOCK = 1000;
const SAMPLE = 50_000;

/** A service delivered, with its free-text note as ciphertext, as personal data is stored. */
function serviceDelivered(organisation: string): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'ServiceDelivered',
    schemaVersion: 1,
    occurredAt: '2025-03-14',
    data: {
      domain: 'accommodation',
      serviceType: 'shelter',
      providerOrganisationId: organisation,
      note: { ciphertext: randomBytes(32).toString('base64'), iv: randomBytes(12).toString('base64'), tag: randomBytes(16).toString('base64') },
    },
    metadata: { actor: `user-${randomUUID()}`, organisationId: organisation, correlationId: randomUUID(), causationId: null },
  };
}

/**
 * Blocks of 1,000 journeys of 10 events each, interleaved by revision (every journey's first event, then every
 * second...), written as the export and signed as one checkpoint. Keeps a sample of canonical bytes for the raw limit.
 */
async function writeSignedExport(folder: string, events: number) {
  const out = createWriteStream(join(folder, 'export.ndjson'));
  const frontier = Frontier.empty();
  const sample: Buffer[] = [];
  let bytes = 0;
  let sealNanos = 0n;
  let sealed = 0;
  while (frontier.size < events) {
    const block = Array.from({ length: STREAMS_PER_BLOCK }, (_, i) => {
      const batch = Array.from({ length: EVENTS_PER_STREAM }, () => serviceDelivered(`org-${i % 40}`));
      const started = process.hrtime.bigint();
      const stream = sealEvents(`journey-${randomUUID()}`, NEW_STREAM_HEAD, batch, new Date().toISOString());
      sealNanos += process.hrtime.bigint() - started;
      sealed += stream.length;
      return stream;
    });
    let chunk = '';
    for (let revision = 0; revision < EVENTS_PER_STREAM; revision++) {
      for (const stream of block) {
        if (frontier.size >= events) break;
        const { canonical, eventHash } = stream[revision];
        chunk += exportLine(frontier.size, canonical, eventHash);
        frontier.append(leafHash(canonical));
        bytes += canonical.length;
        if (sample.length < SAMPLE) sample.push(canonical);
      }
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const signer = createNoteSigner(key, ORIGIN);
  await writeFile(join(folder, 'checkpoint.txt'), signCheckpoint({ origin: ORIGIN, size: events, rootHash: frontier.root() }, signer));
  await writeFile(join(folder, 'key.txt'), signer.verifierKey);
  return {
    export: join(folder, 'export.ndjson'),
    checkpoint: join(folder, 'checkpoint.txt'),
    publicKey: join(folder, 'key.txt'),
    sample,
    meanBytes: bytes / events,
    sealMicros: Number(sealNanos) / 1000 / sealed,
  };
}

/**
 * Events/s of the bare hashing the verifier must do, cycling over the sample until `events` are hashed: the
 * cheapest way Node can do it. Each event's bytes sit behind a leaf-prefix byte, so both hashes read one buffer;
 * digests come back as latin1 strings (a Buffer per digest costs more than hashing 65 bytes), and the leaf hash is
 * written into the node input, as a tree does with it.
 */
function rawSha256Rate(sample: readonly Buffer[], events: number): number {
  const prefixed = sample.map((canonical) => Buffer.concat([Buffer.from([0x00]), canonical]));
  const unprefixed = prefixed.map((bytes) => bytes.subarray(1));
  const node = Buffer.alloc(65, 0x01);
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const at = i % sample.length;
    hash('sha256', unprefixed[at], 'binary');
    node.write(hash('sha256', prefixed[at], 'binary'), 1, 'latin1');
    hash('sha256', node, 'binary');
  }
  return events / ((performance.now() - started) / 1000);
}

/**
 * Appends/s without and with the Merkle log builder and checkpoint schedule, in phases ordered
 * without-with-with-without within a round, so that a drift in the machine's load weighs on both alike; the
 * overhead in % is the median of the rounds' (a passing spike of other work skews one round, not the figure).
 */
export async function appendOverhead(url: string, perPhase: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 10 });
  const store = new PostgresEventStore(pool);
  const key = createNoteSigner(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), ORIGIN);
  const rounds = 9;
  const overheads: number[] = [];
  const total = { without: 0, with: 0 };
  try {
    // Round 0 warms up (JIT, caches, prepared statements) and is not counted.
    for (let round = 0; round <= rounds; round++) {
      const seconds = { without: 0, with: 0 };
      for (const phase of ['without', 'with', 'with', 'without'] as const) {
        const builder = new MerkleLogBuilder(pool, store, MERKLE_LOG_BUILDER_OPTIONS);
        const schedule = new CheckpointSchedule(
          new CheckpointSigner(pool, new MerkleLog(pool), key, ORIGIN),
          () => builder.head,
          { everyEvents: 1000, everyMs: 60_000 },
          (error) => process.stderr.write(`  checkpoint not signed: ${error.message}\n`),
        );
        if (phase === 'with') {
          await builder.start();
          await builder.waitFor(await store.headPosition()); // catch up on the earlier phases first, untimed
          await schedule.start();
        }
        const started = performance.now();
        await Promise.all(Array.from({ length: 4 }, (_, w) => writer(store, `${phase}-${round}-${w}`, perPhase / 4)));
        seconds[phase] += (performance.now() - started) / 1000;
        if (phase === 'with') {
          await schedule.stop();
          await builder.stop();
        }
      }
      if (round === 0) continue;
      overheads.push(((seconds.with - seconds.without) / seconds.with) * 100);
      total.without += seconds.without;
      total.with += seconds.with;
    }
  } finally {
    await store.close();
    await pool.end();
  }
  const appended = rounds * 2 * perPhase; // appends timed per mode
  overheads.sort((a, b) => a - b);
  process.stderr.write(
    `  appends (4 writers): ${(appended / total.without).toFixed(0)}/s without the Merkle builder, ${(appended / total.with).toFixed(0)}/s with it; ` +
      `overhead per round ${overheads.map((pct) => pct.toFixed(1)).join(', ')} %\n`,
  );
  return overheads[Math.floor(rounds / 2)] as number;
}

async function writer(store: PostgresEventStore, name: string, count: number): Promise<void> {
  const streams = Array.from({ length: 20 }, () => ({ id: `journey-${name}-${randomUUID()}`, revision: -1 }));
  for (let i = 0; i < count; i++) {
    const stream = streams[i % streams.length];
    const result = await store.append(stream.id, [serviceDelivered('org-bench')], stream.revision === -1 ? 'no_stream' : stream.revision);
    stream.revision = result.nextExpectedRevision;
  }
}
