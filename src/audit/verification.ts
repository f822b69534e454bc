import { open, readFile } from 'node:fs/promises';
import { openCheckpoint, type Checkpoint } from '../integrity/checkpoint';
import { rootHash, verifyConsistency } from '../integrity/merkle';
import { NoteError, parseVerifierKey, type NoteVerifier } from '../integrity/signed-note';
import { readOnThisThread, type LineReaders } from '../integrity/line-readers';
import { ExportVerifier, checkpointsConsistent, type Problem, type Verdict } from '../integrity/verify-export';
import { PackedNodes } from './packed-nodes';

/**
 * What `verify` does, offline from files or online against a running server, without the CLI around it (the
 * tamper tests call these directly). Trust rests on the public key and the signed checkpoints only: the export
 * and any proofs are checked against them, never believed.
 */

export interface VerificationReport {
  ok: boolean;
  /** Export lines read. */
  events: number;
  seconds: number;
  /** The newest checkpoint the export was checked against. */
  checkpoint?: { size: number; rootHash: string };
  /** The first index found wrong; null when the change could not be placed. */
  index: number | null;
  problem?: Problem | 'bad-signature' | 'inconsistent-checkpoints';
  /** One line for people: what holds, or what is wrong and where. */
  message: string;
}

/** A progress display (the CLI's bar); counts export lines against the checkpoint's size. */
export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

export interface OfflineInputs {
  exportFile: string;
  /** One or two signed notes (files); the export is checked against each it reaches. */
  checkpointFiles: readonly string[];
  publicKeyFile: string;
  /**
   * A consistency proof (`{"hashes": [...]}`, as GET /audit/proofs/consistency answers) from the older of two
   * checkpoints to the newer: then the export need only reach the older one.
   */
  consistencyProofFile?: string;
}

/** `readers`: who reads the export's lines (see LineReaders); the CLI gives it worker threads. */
export async function verifyOffline(inputs: OfflineInputs, progress?: Progress, readers?: LineReaders): Promise<VerificationReport> {
  const started = process.hrtime.bigint();
  const key = parseVerifierKey(await readFile(inputs.publicKeyFile, 'utf8'));
  const opened = await openCheckpoints(
    await Promise.all(inputs.checkpointFiles.map(async (file) => ({ name: file, note: await readFile(file, 'utf8') }))),
    key,
  );
  if (!Array.isArray(opened)) return { ...opened, seconds: elapsed(started) };
  if (opened.length === 0) throw new Error('At least one checkpoint is needed');
  const [older, newer] = opened;
  let reached = opened;
  if (inputs.consistencyProofFile) {
    if (!newer || opened.length !== 2) throw new Error('A consistency proof needs exactly two checkpoints');
    const proof = parseProof(await readFile(inputs.consistencyProofFile, 'utf8'));
    if (!checkpointsConsistent(older, newer, proof)) return inconsistent(older, newer, started);
    reached = [older];
  }
  const verifier = new ExportVerifier(reached);
  const events = await feed(verifier, chunksOf(inputs.exportFile), reached[reached.length - 1].size, progress, readers);
  const verdict = verifier.finish();
  return report(verdict, events, reached[reached.length - 1], started);
}

export interface OnlineInputs {
  /** The server's base URL, e.g. http://localhost:3000 */
  url: string;
  /** Bearer token of a ledger auditor (the export and proofs need one). */
  token?: string;
  /** A verifier key pinned by the auditor; without it the server's published key is trusted. */
  publicKey?: string;
  /** Signed notes kept from earlier: each must be consistent with the server's latest checkpoint. */
  earlierCheckpoints?: readonly string[];
}

/**
 * Verifies the server's whole log against its latest checkpoint. When the export's lines are each sound but its
 * root is not the signed one, it locates the first differing index by bisection: prefix [0, k) of the export is
 * the signed log's iff its root and the server's consistency proof k -> N verify against the signed root. A
 * lying server can only make a proof fail (naming an index too early), never make a changed prefix pass.
 */
export async function verifyOnline(inputs: OnlineInputs, progress?: Progress, readers?: LineReaders): Promise<VerificationReport> {
  const started = process.hrtime.bigint();
  const server = new AuditServer(inputs.url, inputs.token);
  const key = parseVerifierKey(inputs.publicKey ?? (await server.text('/audit/public-key')));
  const opened = await openCheckpoints(
    [
      { name: 'the server\u2019s latest checkpoint', note: await server.text('/audit/checkpoint') },
      ...(inputs.earlierCheckpoints ?? []).map((note, i) => ({ name: `earlier checkpoint ${i + 1}`, note })),
    ],
    key,
  );
  if (!Array.isArray(opened)) return { ...opened, seconds: elapsed(started) };
  const latest = opened[opened.length - 1];
  for (const earlier of opened.slice(0, -1)) {
    const proof = await server.consistencyProof(earlier.size, latest.size);
    if (!checkpointsConsistent(earlier, latest, proof)) return inconsistent(earlier, latest, started);
  }

  const tree = new PackedNodes(latest.size);
  const verifier = new ExportVerifier([latest], tree.put);
  const events = await feed(verifier, await server.stream(`/audit/export?from=0&to=${latest.size}`), latest.size, progress, readers);
  const verdict = verifier.finish();
  if (verdict.ok || verdict.index !== null) return report(verdict, events, latest, started);

  const matching = await longestMatchingPrefix(server, tree, Math.min(events, latest.size), latest);
  return {
    ...report(verdict, events, latest, started),
    index: matching,
    message:
      `index ${matching}: the export differs from the signed log here (an event inserted, reordered, or altered and rehashed); ` +
      `the first ${matching} events are proved identical to the signed log`,
  };
}

/** The largest k <= leaves whose export prefix [0, k) the server proves to be a prefix of the signed tree. */
async function longestMatchingPrefix(server: AuditServer, tree: PackedNodes, leaves: number, signed: Checkpoint): Promise<number> {
  const matches = async (k: number) =>
    verifyConsistency(k, signed.size, await server.consistencyProof(k, signed.size), await rootHash(tree, k), signed.rootHash);
  let good = 0; // the empty prefix matches any tree
  let bad = leaves + 1;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (await matches(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

type Opened = Checkpoint[] | Omit<VerificationReport, 'seconds'>;

/** Opens each note with the key, oldest first; all must name one log. */
async function openCheckpoints(notes: readonly { name: string; note: string }[], key: NoteVerifier): Promise<Opened> {
  const opened: Checkpoint[] = [];
  for (const { name, note } of notes) {
    try {
      opened.push(openCheckpoint(note, key));
    } catch (error) {
      if (!(error instanceof NoteError)) throw error;
      return { ok: false, events: 0, index: null, problem: 'bad-signature', message: `${name} does not verify with the public key: ${error.message}` };
    }
  }
  const origins = new Set(opened.map((checkpoint) => checkpoint.origin));
  if (origins.size > 1) throw new Error(`The checkpoints are of different logs: ${[...origins].join(', ')}`);
  return opened.sort((a, b) => a.size - b.size);
}

function inconsistent(older: Checkpoint, newer: Checkpoint, started: bigint): VerificationReport {
  return {
    ok: false,
    events: 0,
    seconds: elapsed(started),
    index: null,
    problem: 'inconsistent-checkpoints',
    message: `the checkpoint of size ${newer.size} does not extend the checkpoint of size ${older.size}: the log was rewritten between them`,
  };
}

function report(verdict: Verdict, events: number, checkpoint: Checkpoint, started: bigint): VerificationReport {
  const summary = { events, seconds: elapsed(started), checkpoint: { size: checkpoint.size, rootHash: checkpoint.rootHash.toString('base64') } };
  if (verdict.ok) {
    const beyond =
      verdict.size > checkpoint.size ? `; the ${verdict.size - checkpoint.size} events after it are not yet signed (hashes and chains checked only)` : '';
    return { ok: true, ...summary, index: null, message: `${verdict.size} events verified against the signed checkpoint of size ${checkpoint.size}${beyond}` };
  }
  if (verdict.index !== null) {
    return { ok: false, ...summary, index: verdict.index, problem: verdict.problem, message: `index ${verdict.index}: ${verdict.problem}: ${verdict.detail}` };
  }
  const range = verdict.within ? ` between index ${verdict.within.from} and index ${verdict.within.to - 1}` : '';
  return {
    ok: false,
    ...summary,
    index: null,
    problem: verdict.problem,
    message: `root mismatch: the export differs from the signed log${range} (${verdict.detail}); every line is self-consistent, so this export alone cannot place the change: export with include=leafHash, or run with --online, to locate the first differing index`,
  };
}

const PROGRESS_EVERY = 4096;

/**
 * Hands the export's lines to the verifier, read by `readers` (on this thread unless told otherwise), and returns
 * how many it read.
 */
export async function feed(
  verifier: ExportVerifier,
  chunks: AsyncIterable<Uint8Array>,
  expected: number,
  progress?: Progress,
  readers: LineReaders = readOnThisThread,
): Promise<number> {
  let lines = 0;
  progress?.start(expected);
  try {
    for await (const readings of readers(wholeLines(chunks))) {
      for (const reading of readings) {
        verifier.take(reading);
        if (++lines % PROGRESS_EVERY === 0) progress?.update(lines);
      }
      if (verifier.settled) break;
    }
    progress?.update(lines);
    return lines;
  } finally {
    progress?.stop();
  }
}

/** The export in batches of whole lines: each chunk up to its last newline, after what the chunk before left. */
async function* wholeLines(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Buffer> {
  let rest = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = bytes.lastIndexOf(0x0a) + 1;
    // Copies: the chunk's memory is reused for the next read.
    if (end === 0) {
      rest = Buffer.concat([rest, bytes]);
    } else {
      yield Buffer.concat([rest, bytes.subarray(0, end)]);
      rest = Buffer.from(bytes.subarray(end));
    }
  }
  if (rest.length > 0) yield rest;
}

function parseProof(text: string): Buffer[] {
  const { hashes } = JSON.parse(text) as { hashes?: unknown };
  if (!Array.isArray(hashes) || !hashes.every((hash) => typeof hash === 'string')) {
    throw new Error('A consistency proof file must be {"hashes": ["<base64>", ...]}');
  }
  return hashes.map((hash: string) => Buffer.from(hash, 'base64'));
}

const elapsed = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** The audit API of a running server. */
class AuditServer {
  constructor(
    private readonly url: string,
    private readonly token?: string,
  ) {}

  async text(path: string): Promise<string> {
    return (await this.get(path)).text();
  }

  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    return parseProof(await this.text(`/audit/proofs/consistency?from=${from}&to=${to}`));
  }

  async stream(path: string): Promise<AsyncIterable<Uint8Array>> {
    const body = (await this.get(path)).body;
    if (!body) throw new Error(`GET ${path} answered no body`);
    return body as unknown as AsyncIterable<Uint8Array>;
  }

  private async get(path: string): Promise<Response> {
    const response = await fetch(new URL(path, this.url), {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
    });
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      throw new Error(`GET ${path} answered ${response.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`);
    }
    return response;
  }
}

const READ_CHUNK = 4 << 20;

/**
 * The file in large chunks: fewer trips through the event loop than a default read stream. Two buffers take
 * turns, so that the next chunk is read while this one is verified; a chunk is valid until the next one is asked
 * for (feed keeps nothing of it).
 */
async function* chunksOf(path: string): AsyncIterable<Buffer> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
  let turn = 0;
  let reading = file.read(buffers[turn], 0, READ_CHUNK, null);
  try {
    for (;;) {
      const { bytesRead, buffer } = await reading;
      if (bytesRead === 0) return;
      turn = 1 - turn;
      reading = file.read(buffers[turn], 0, READ_CHUNK, null);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await reading.catch(() => undefined); // a read still under way, when verification stopped early
    await file.close();
  }
}
