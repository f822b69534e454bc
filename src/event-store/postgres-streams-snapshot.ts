import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { LoggedEvent, StreamsSnapshot } from './event-store';

/**
 * The PostgreSQL log as one snapshot (REPEATABLE READ), stream by stream (a stream's events together, in revision
 * order), for a rebuild: then one person is all a projection needs in memory, corrections included. The snapshot's
 * head is read in it, and every position up to that head is committed in it (see append_events). The stored
 * canonical bytes are the event; they come as they are, through a binary COPY, with only the position beside
 * them: no hex, no row objects, no hash. Events are not upcast here.
 */
export async function openStreamsSnapshot(pool: Pool): Promise<StreamsSnapshot> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Streams in index order rather than sorted: rows flow at once, so the server's reading overlaps the caller's
    // projecting (a sort holds every row back until it is done).
    await client.query('SET LOCAL enable_sort = off');
    const head = Number((await client.query<{ position: string }>('SELECT position FROM event_log_head WHERE id = 1')).rows[0]!.position);
    let copiedOut = false;
    let closed = false;
    return {
      head,
      streams: (async function* () {
        yield* logByStream(client, head);
        copiedOut = true;
      })(),
      async close() {
        if (closed) return;
        closed = true;
        // A COPY given up half-way leaves the connection mid-protocol: it is discarded (which ends the COPY on the
        // server) rather than pooled again.
        if (!copiedOut) return client.release(new Error('The snapshot was closed before it was read to the end'));
        await client.query('COMMIT').then(
          () => client.release(),
          (error: Error) => client.release(error),
        );
      },
    };
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}

/** Yields the streams completed by each chunk received, several at a time. */
async function* logByStream(client: PoolClient, upTo: number): AsyncGenerator<LoggedEvent[][]> {
  const copy = client.query(
    copyTo(
      `COPY (SELECT position, canonical FROM events WHERE position <= ${Math.trunc(upTo)} ORDER BY stream_id, stream_revision)
       TO STDOUT (FORMAT binary)`,
    ),
  );
  const rows = new BinaryCopyRows();
  let stream: LoggedEvent[] = [];
  for await (const chunk of copy as AsyncIterable<Buffer>) {
    const streams: LoggedEvent[][] = [];
    for (const event of rows.parse(chunk)) {
      if (stream.length > 0 && stream[0]!.streamId !== event.streamId) {
        streams.push(stream);
        stream = [];
      }
      stream.push(event);
    }
    if (streams.length > 0) yield streams;
  }
  rows.checkEnded();
  if (stream.length > 0) yield [stream];
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Field count (2), then per field its length (4): position (8 bytes), canonical (n bytes). */
const ROW_HEAD = 2 + 4 + 8 + 4;

/**
 * Rows of `(position bigint, canonical bytea)` in COPY's binary format, as chunks arrive: a row cut between two
 * chunks waits for the next one.
 */
class BinaryCopyRows {
  private rest: Buffer | undefined;
  private headerRead = false;
  private ended = false;

  parse(chunk: Buffer): LoggedEvent[] {
    const bytes = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let at = this.headerRead ? 0 : this.header(bytes);
    const events: LoggedEvent[] = [];
    while (at >= 0 && bytes.length - at >= 2) {
      if (bytes.readInt16BE(at) === -1) {
        this.ended = true;
        at = bytes.length;
        break;
      }
      if (bytes.length - at < ROW_HEAD) break;
      const length = bytes.readInt32BE(at + 14);
      const end = at + ROW_HEAD + length;
      if (end > bytes.length) break;
      const event = JSON.parse(bytes.toString('utf8', at + ROW_HEAD, end)) as LoggedEvent & { position: number };
      event.position = bytes.readUInt32BE(at + 6) * 2 ** 32 + bytes.readUInt32BE(at + 10);
      events.push(event);
      at = end;
    }
    this.rest = at < 0 ? bytes : at < bytes.length ? bytes.subarray(at) : undefined;
    return events;
  }

  checkEnded(): void {
    if (!this.ended) throw new Error('The log was cut short: its COPY ended without a trailer');
  }

  /** Where the rows start, or -1 when the header is not all there yet. */
  private header(bytes: Buffer): number {
    if (bytes.length < SIGNATURE.length + 8) return -1;
    if (!bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('Not a binary COPY of the log');
    const start = SIGNATURE.length + 8 + bytes.readInt32BE(SIGNATURE.length + 4);
    if (bytes.length < start) return -1;
    this.headerRead = true;
    return start;
  }
}
