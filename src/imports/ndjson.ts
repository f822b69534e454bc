import { createReadStream } from 'node:fs';

/** Longest line read; a longer one is skipped unread and reported as one bad line (an event takes a few hundred bytes). */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Stands in for a line longer than MAX_LINE_BYTES, of which nothing is kept. */
export const OVERLONG_LINE = Symbol('overlong line');

export type NdjsonLine = string | typeof OVERLONG_LINE;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = '\ufeff';

/**
 * The lines of a UTF-8 byte stream, read as it comes: at most one line (of at most MAX_LINE_BYTES) is held at a
 * time, whatever the size of the stream.
 */
export async function* linesOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<NdjsonLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  let first = true;
  const take = (part: Buffer) => {
    if (overlong) return;
    size += part.length;
    if (size > MAX_LINE_BYTES) {
      overlong = true;
      parts = [];
    } else if (part.length > 0) {
      parts.push(part);
    }
  };
  const finish = (): NdjsonLine => {
    let line: NdjsonLine = OVERLONG_LINE;
    if (!overlong) {
      const bytes = Buffer.concat(parts);
      const end = bytes.at(-1) === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
      line = bytes.toString('utf8', 0, end);
      if (first && line.startsWith(BYTE_ORDER_MARK)) line = line.slice(1);
    }
    parts = [];
    size = 0;
    overlong = false;
    first = false;
    return line;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, end));
      yield finish();
      start = end + 1;
    }
    take(chunk.subarray(start));
  }
  if (size > 0 || overlong) yield finish();
}

/** The lines of an NDJSON file, read as a stream (a large import never sits in memory as one string). */
export function linesOfFile(path: string): AsyncIterable<NdjsonLine> {
  return linesOf(createReadStream(path));
}
