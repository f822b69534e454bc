/** Why AuthGuard refuses a request; the HTTP edge (http/problem.filter.ts) answers each as its problem. */

/** No bearer token, or one that is invalid or expired. */
export class Unauthenticated extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

/** The caller's roles do not include one the route allows. */
export class RoleNotAllowed extends Error {
  constructor() {
    super('Your role may not do this');
    this.name = 'RoleNotAllowed';
  }
}

/** The client's address failed to authenticate too often this minute; its failing requests wait. */
export class TooManyFailedAuthentications extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed authentications from this address; try again later');
    this.name = 'TooManyFailedAuthentications';
  }
}
