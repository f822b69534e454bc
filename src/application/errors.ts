/**
 * What the application layer refuses, in the domain's words. Only the HTTP edge (http/problem.filter.ts) turns
 * them into problem documents; the CLI reports them its own way.
 */
import type { FieldError } from '../journey/event-data';

/** No such person, or one the caller's organisation may not access: nobody can tell the two apart. */
export class PersonNotFound extends Error {
  constructor() {
    super('No such person');
    this.name = 'PersonNotFound';
  }
}

/** The request's fields are invalid. Every bad field is named, never its value. */
export class InvalidRequest extends Error {
  constructor(
    readonly errors: FieldError[],
    message = 'The request has invalid fields',
  ) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

/** If-Match named a revision the journey is no longer (or not yet) at; nothing was written. */
export class RevisionMismatch extends Error {
  constructor(readonly expectedRevision: number) {
    super(`If-Match revision ${expectedRevision} is not the current revision; nothing was written`);
    this.name = 'RevisionMismatch';
  }
}

/** A retry's Idempotency-Key names a different request than the one first made with it; nothing was written. */
export class IdempotencyKeyReused extends Error {
  readonly rule = 'idempotency_key_reused';

  constructor() {
    super('This Idempotency-Key was already used for a different request');
    this.name = 'IdempotencyKeyReused';
  }
}

/** A bulk import refused: some lines are bad, and nothing was written. */
export class ImportRejected extends Error {
  constructor(
    /** How many lines are bad. */
    readonly badLines: number,
    /** The errors of the first bad lines. */
    readonly errors: (FieldError & { line: number })[],
    /** Bad lines beyond those `errors` lists. */
    readonly moreBadLines: number,
  ) {
    super(`${badLines} bad line(s); nothing was written`);
    this.name = 'ImportRejected';
  }
}
