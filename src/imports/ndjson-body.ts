import type { IncomingMessage } from 'node:http';
import { finished, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { malformedBody, payloadTooLarge, ProblemError, unsupportedMediaType } from '../http/problem';
import { linesOf, type NdjsonLine } from './ndjson';

const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** The content types an import is sent as. */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];

/** `512kb`, `100mb`: the limits' syntax (validated with the configuration), in bytes. */
export function bytesOf(limit: string): number {
  const [, count, unit] = /^(\d+)(b|kb|mb)$/.exec(limit) ?? [];
  return Number(count) * UNIT_BYTES[unit];
}

/**
 * An NDJSON request body, read line by line as the import takes them, never whole. It is decompressed as its
 * Content-Encoding says, and its decompressed bytes count against the import limit: past it, 413.
 */
export class NdjsonBody implements AsyncIterable<NdjsonLine> {
  constructor(
    private readonly request: IncomingMessage,
    private readonly limitBytes: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<NdjsonLine> {
    return linesOf(this.bytes())[Symbol.asyncIterator]();
  }

  private async *bytes(): AsyncGenerator<Buffer> {
    const { request } = this;
    const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
    const decoder = DECODERS.get(encoding)?.();
    let requestError: Error | undefined;
    try {
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedMediaType('An import is UTF-8 text');
      if (!decoder && encoding !== 'identity') throw unsupportedMediaType('Content-Encoding must be gzip, deflate, br or none');
      if (!decoder && Number(request.headers['content-length']) > this.limitBytes) throw payloadTooLarge();
      if (decoder) {
        // A request cut off half-way must end the decompression too, not leave the import waiting.
        finished(request, (error) => {
          if (error) decoder.destroy((requestError = error));
        });
      }
      const source: Readable = decoder ? request.pipe(decoder) : request;
      let received = 0;
      for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > this.limitBytes) throw payloadTooLarge();
        yield chunk;
      }
    } catch (error) {
      if (decoder && error !== requestError && !(error instanceof ProblemError)) throw malformedBody(`not valid ${encoding}`);
      throw error;
    } finally {
      decoder?.destroy();
      // What is left unread is discarded, as Express's body parsers do, so that the answer still reaches the client.
      if (!request.readableEnded) {
        request.unpipe();
        request.resume();
      }
    }
  }
}
