import express, { type NextFunction, type Request, type Response } from 'express';
import { malformedBody, payloadTooLarge, sendProblem } from './problem';

/**
 * JSON bodies, up to their size limit. A JSON body is parsed here, and its failures become problem documents here,
 * because they happen before Nest's exception filters can see the request. Any other body is left unread: the
 * import reads its NDJSON as a stream of lines (imports/ndjson-body.ts).
 */
export function bodyParsers(jsonLimit: string) {
  return [
    express.json({ limit: jsonLimit, strict: true }),
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
