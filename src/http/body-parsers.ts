import express, { type NextFunction, type Request, type Response } from 'express';
import { malformedBody, payloadTooLarge, sendProblem } from './problem';

/**
 * JSON bodies everywhere, NDJSON text for imports, each with its own size limit. Parser failures become problem
 * documents here, because they happen before Nest's exception filters can see the request.
 */
export function bodyParsers(limits: { json: string; ndjson: string }) {
  return [
    express.json({ limit: limits.json, strict: true }),
    express.text({ type: ['application/x-ndjson', 'application/ndjson'], limit: limits.ndjson }),
    (error: { type?: string } | undefined, _request: Request, response: Response, next: NextFunction) => {
      if (error?.type === 'entity.too.large') return sendProblem(response, payloadTooLarge());
      if (error?.type === 'entity.parse.failed') return sendProblem(response, malformedBody('not valid JSON'));
      if (error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') {
        return sendProblem(response, malformedBody('unsupported encoding'));
      }
      next(error);
    },
  ];
}
