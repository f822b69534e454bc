import { once } from 'node:events';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ReadModelTable } from './read-model-tables';

/** Bytes handed to the COPY stream at once: few large writes rather than one per row. */
const CHUNK_BYTES = 1 << 18;

/**
 * Rows streamed into a (fresh, index-less) table with one `COPY ... FROM STDIN`: the cheapest way in for
 * PostgreSQL, and for us only a line of text per row, written straight into the chunk being filled.
 */
export class TableLoad<Row> {
  private readonly copy;
  private readonly finished: Promise<void>;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private filled = 0;
  /** Set while the server is behind: ready() waits for it. */
  private draining: Promise<unknown> | undefined;

  constructor(
    client: Client,
    private readonly table: ReadModelTable<Row>,
    tableName: string,
  ) {
    this.copy = client.query(copyFrom(`COPY ${tableName} (${table.columnNames}) FROM STDIN`));
    this.finished = once(this.copy, 'finish').then(() => undefined);
    // Awaited by end(); marked handled so that a failure surfaces there (or at ready()), not as a crash.
    this.finished.catch(() => undefined);
  }

  add(rows: readonly Row[]): void {
    for (const row of rows) {
      const line = this.table.copyLine(row);
      // A UTF-16 unit is at most 3 bytes of UTF-8.
      if (this.filled + 3 * line.length > this.chunk.length) this.send();
      if (3 * line.length > this.chunk.length) this.write(Buffer.from(line));
      else this.filled += this.chunk.write(line, this.filled);
    }
  }

  /** Resolves once the server has taken what it was sent, when it was falling behind. */
  async ready(): Promise<void> {
    if (!this.draining) return;
    await Promise.race([this.draining, this.finished]);
    this.draining = undefined;
  }

  async end(): Promise<void> {
    this.send();
    await this.ready();
    this.copy.end();
    await this.finished;
  }

  private send(): void {
    if (this.filled === 0) return;
    this.write(this.chunk.subarray(0, this.filled));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.filled = 0;
  }

  private write(bytes: Buffer): void {
    if (this.copy.write(bytes) || this.draining) return;
    this.draining = once(this.copy, 'drain');
    this.draining.catch(() => undefined);
  }
}
