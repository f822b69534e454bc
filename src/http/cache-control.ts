import type { NextFunction, Request, Response } from 'express';

/**
 * No answer of this API may be kept by a browser, proxy or disk cache unless its route says so: answers about
 * persons, caseloads, the access log, the ledger export, errors. Only the audit routes anyone may read (the public
 * key, the latest checkpoint) set their own Cache-Control.
 */
export function noStoreByDefault(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('cache-control', 'no-store');
  next();
}
