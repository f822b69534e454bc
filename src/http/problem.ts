import type { FieldError } from '../journey/event-data';

export type { FieldError };

/** RFC 9457 problem details: the one error shape every route answers with. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Every bad field, for 400s. */
  errors?: FieldError[];
  /** The domain rule broken, for 422s. */
  rule?: string;
  /** A refused import: how many bad lines there were beyond those `errors` lists. */
  moreBadLines?: number;
  /** Not ready: each health check that failed, with what it measured. */
  failedChecks?: Record<string, unknown>;
}

/** Thrown by handlers to answer a specific problem; the filter renders it. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
  }
}

export function badRequest(errors: FieldError[], detail = 'The request has invalid fields'): ProblemError {
  return new ProblemError({ type: 'about:blank#invalid-request', title: 'Invalid request', status: 400, detail, errors });
}

export function notFound(detail: string): ProblemError {
  return new ProblemError({ type: 'about:blank#not-found', title: 'Not found', status: 404, detail });
}

export function conflict(detail: string): ProblemError {
  return new ProblemError({ type: 'about:blank#conflict', title: 'Conflict', status: 409, detail });
}

export function ruleBroken(rule: string, detail: string): ProblemError {
  return new ProblemError({ type: `about:blank#rule-${rule}`, title: 'A rule of the journey was broken', status: 422, rule, detail });
}

export function tooManyRequests(retryAfterSeconds: number, detail: string): ProblemError {
  return new ProblemError(
    { type: 'about:blank#too-many-requests', title: 'Too many requests', status: 429, detail },
    { 'retry-after': String(retryAfterSeconds) },
  );
}

export function payloadTooLarge(): ProblemError {
  return new ProblemError({ type: 'about:blank#too-large', title: 'Payload too large', status: 413, detail: 'The request body is larger than the limit' });
}

export function unsupportedMediaType(detail: string): ProblemError {
  return new ProblemError({ type: 'about:blank#unsupported-media-type', title: 'Unsupported media type', status: 415, detail });
}

export function malformedBody(reason: string): ProblemError {
  return badRequest([{ field: 'body', reason }], 'The body could not be parsed');
}

interface ProblemResponse {
  status(code: number): ProblemResponse;
  set(headers: Record<string, string>): ProblemResponse;
  send(body: string): unknown;
}

export function sendProblem(response: ProblemResponse, { problem, headers }: ProblemError): void {
  response
    .status(problem.status)
    .set({ ...headers, 'content-type': 'application/problem+json' })
    .send(JSON.stringify(problem));
}
