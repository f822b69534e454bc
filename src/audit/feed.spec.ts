import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NEW_STREAM_HEAD, sealEvents } from '../integrity/canonical';
import { readInThreads } from '../integrity/line-readers';
import { Frontier, leafHash } from '../integrity/merkle';
import { ExportVerifier, exportLine } from '../integrity/verify-export';
import { feed } from './verification';

/** Events of two streams (`perStream` each), as an export, and the checkpoint of their tree; `note(i)` is step i's. */
function signedExport(perStream = 6, note = (_step: number) => 'é, 東京') {
  const sealed = ['journey-a', 'journey-b'].map((stream) =>
    sealEvents(
      stream,
      NEW_STREAM_HEAD,
      Array.from({ length: perStream }, (_, step) => ({
        eventId: randomUUID(),
        type: 'JourneyStepRecorded',
        schemaVersion: 1,
        occurredAt: '2024-05',
        data: { step, note: note(step) },
        metadata: { actor: 'user-1', organisationId: 'org-1', correlationId: randomUUID(), causationId: null },
      })),
      new Date().toISOString(),
    ),
  );
  const events = sealed[0].flatMap((event, i) => [event, sealed[1][i]]);
  const tree = Frontier.empty();
  const text = events
    .map((event, index) => {
      tree.append(leafHash(event.canonical));
      return exportLine(index, event.canonical, event.eventHash);
    })
    .join('');
  return { text, checkpoint: { origin: 'test', size: events.length, rootHash: tree.root() } };
}

async function* chunked(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  // Each chunk in a buffer of its own that is overwritten once the next is asked for, as a reused read buffer is.
  const reused = Buffer.alloc(size);
  for (let at = 0; at < bytes.length; at += size) {
    const length = bytes.copy(reused, 0, at, at + size);
    yield reused.subarray(0, length);
    reused.fill(0x7a);
  }
}

test('an export cut into chunks anywhere, even inside a line, verifies line by line', async () => {
  const { text, checkpoint } = signedExport();
  for (const [name, bytes] of [
    ['LF', Buffer.from(text, 'latin1')],
    ['CRLF, no final newline', Buffer.from(text.replaceAll('\n', '\r\n').slice(0, -2), 'latin1')],
  ] as const) {
    for (const size of [1, 2, 7, 64, 333, 1000, bytes.length]) {
      const verifier = new ExportVerifier([checkpoint]);
      const lines = await feed(verifier, chunked(bytes, size), checkpoint.size);
      expect({ name, size, lines, verdict: verifier.finish() }).toMatchObject({ name, size, lines: 12, verdict: { ok: true, size: 12 } });
    }
  }
});

test('a long export, with a line longer than a chunk, verifies whatever the chunk size', async () => {
  // 400 lines of about 700 bytes, one of them over 100 KiB.
  const { text, checkpoint } = signedExport(200, (step) => (step === 77 ? 'x'.repeat(100_000) : `step ${step}`));
  const bytes = Buffer.from(text, 'latin1');
  for (const size of [4096, 100_000, 1 << 20]) {
    const verifier = new ExportVerifier([checkpoint]);
    const lines = await feed(verifier, chunked(bytes, size), checkpoint.size);
    expect({ size, lines, verdict: verifier.finish() }).toMatchObject({ size, lines: 400, verdict: { ok: true, size: 400 } });
  }
  // A change deep inside is still named where it is.
  const tampered = Buffer.from(text.replace('"index":301,', '"index":302,'), 'latin1');
  const verifier = new ExportVerifier([checkpoint]);
  await feed(verifier, chunked(tampered, 1 << 20), checkpoint.size);
  expect(verifier.finish()).toMatchObject({ ok: false, index: 301 });
});

describe('with the lines read in worker threads, as the CLI reads them', () => {
  // The CLI's threads run the compiled line-reader.worker; these run it from the sources.
  const fromSources = () =>
    new Worker(join(__dirname, '../../test/support/typescript-worker.js'), {
      workerData: { module: join(__dirname, '../integrity/line-reader.worker.ts') },
    });

  test('an export cut into chunks anywhere verifies, and a change is named where it is, as on this thread', async () => {
    const { text, checkpoint } = signedExport(200, (step) => (step === 77 ? 'x'.repeat(100_000) : `step ${step}`));
    const exports = {
      untouched: text,
      'an index skipped': text.replace('"index":301,', '"index":302,'),
      'a line repeated': text.replace(/(\{"index":250,[^\n]*\n)/, '$1$1'),
      'a line cut short': text.replace(/"index":120,"canonical":"[^"]*"/, '"index":120,"canonical":"AAAA"'),
    };
    for (const [name, exported] of Object.entries(exports)) {
      const bytes = Buffer.from(exported, 'latin1');
      for (const size of [333, 1 << 20]) {
        const here = new ExportVerifier([checkpoint]);
        const linesHere = await feed(here, chunked(bytes, size), checkpoint.size);
        const inThreads = new ExportVerifier([checkpoint]);
        const linesInThreads = await feed(inThreads, chunked(bytes, size), checkpoint.size, undefined, readInThreads(2, fromSources));
        const verdict = here.finish();
        expect(verdict.ok).toBe(name === 'untouched');
        expect({ name, size, lines: linesInThreads, verdict: inThreads.finish() }).toEqual({ name, size, lines: linesHere, verdict });
      }
    }
  });

  test('a reader thread that fails makes verification fail, not wait', async () => {
    const { text, checkpoint } = signedExport();
    const failing = () => new Worker('throw new Error("the reader failed")', { eval: true });
    const verifier = new ExportVerifier([checkpoint]);
    await expect(feed(verifier, chunked(Buffer.from(text, 'latin1'), 100), checkpoint.size, undefined, readInThreads(2, failing))).rejects.toThrow(
      'the reader failed',
    );
  });
});
