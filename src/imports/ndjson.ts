import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The lines of an NDJSON file, read as a stream (a large import never sits in memory as one string). */
export function linesOfFile(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

export function* linesOfText(text: string): Iterable<string> {
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    yield text.slice(start, stop > start && text[stop - 1] === '\r' ? stop - 1 : stop);
    if (end === -1) return;
    start = end + 1;
  }
}
