import express, { type NextFunction, type Request, type Response } from 'express';
import { NdjsonBody } from '../imports/ndjson-body';
import { malformedBody, payloadTooLarge, sendProblem } from './problem';

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/**
 * JSON bodies everywhere, NDJSON for imports, each with its own size limit. A JSON body is parsed here, and its
 * failures become problem documents here, because they happen before Nest's exception filters can see the
 * request. An NDJSON body is left to be read as a stream of lines by the import (see NdjsonBody).
 */
export function bodyParsers(limits: { json: string; ndjson: string }) {
  const ndjsonLimit = bytesOf(limits.ndjson);
  return [
    express.json({ limit: limits.json, strict: true }),
    (request: Request, _response: Response, next: NextFunction) => {
      if (request.is(NDJSON_TYPES)) request.body = new NdjsonBody(request, ndjsonLimit);
      next();
    },
    (error: { type?: string; status?: number } | undefined, _request: Request, response: Response, next: NextFunction) => {
      if (error?.type === 'entity.too.large') return sendProblem(response, payloadTooLarge());
      if (error?.type === 'entity.parse.failed') return sendProblem(response, malformedBody('not valid JSON'));
      if (error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') {
        return sendProblem(response, malformedBody('unsupported encoding'));
      }
      // Any other body the parsers refuse as the client's fault (4xx): a gzip or deflate stream that does not
      // decompress, a body shorter than its Content-Length, an upload cut off.
      if (error?.status !== undefined && error.status >= 400 && error.status < 500) {
        return sendProblem(response, malformedBody('could not be read as sent: check its Content-Encoding and Content-Length'));
      }
      next(error);
    },
  ];
}

/** `512kb`, `100mb`: the limits' syntax (validated with the configuration), in bytes. */
function bytesOf(limit: string): number {
  const [, count, unit] = /^(\d+)(b|kb|mb)$/.exec(limit) ?? [];
  return Number(count) * UNIT_BYTES[unit];
}
