import { linesOf, MAX_LINE_BYTES, OVERLONG_LINE, type NdjsonLine } from './ndjson';

async function collect(chunks: (string | Buffer)[]): Promise<NdjsonLine[]> {
  async function* bytes() {
    for (const chunk of chunks) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
  }
  const lines: NdjsonLine[] = [];
  for await (const line of linesOf(bytes())) lines.push(line);
  return lines;
}

describe('NDJSON lines of a byte stream', () => {
  test('lines split anywhere across chunks, CRLF or LF, the last without a newline, a byte order mark dropped', async () => {
    expect(await collect(['\ufeff{"a"', ':1}\r', '\n{"b":2}\n\n', '{"c"', ':3}'])).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
  });

  test('a character whose bytes are split between chunks comes out whole', async () => {
    const bytes = Buffer.from('{"name":"Ţară"}\n');
    expect(await collect([bytes.subarray(0, 11), bytes.subarray(11)])).toEqual(['{"name":"Ţară"}']);
  });

  test('a line longer than the bound is one overlong line, of which nothing is kept; the next lines are intact', async () => {
    const long = Buffer.alloc(MAX_LINE_BYTES + 10, 'x');
    const lines = await collect(['{"a":1}\n', long.subarray(0, 1000), long.subarray(1000), '\n{"b":2}\n', long]);
    expect(lines).toEqual(['{"a":1}', OVERLONG_LINE, '{"b":2}', OVERLONG_LINE]);
    expect(await collect([Buffer.alloc(MAX_LINE_BYTES, 'y'), '\n'])).toEqual(['y'.repeat(MAX_LINE_BYTES)]);
  });
});
