import { Inject, Injectable } from '@nestjs/common';
import { AccessLog } from '../access-log/access-log';
import { ACCESS_PURPOSES, isAccessPurpose, type AccessPurpose } from '../access-log/access-purpose';
import type { Actor } from '../auth/actor';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { InvalidRequest } from './errors';
import type { LoadedJourney } from './journey-stream';
import { accessibleJourney } from './person-access';

/** A read of a person's record as the caller asks it: who, why (`X-Access-Purpose`, as sent), and which route. */
export interface PersonRead {
  actor: Actor;
  purpose: unknown;
  /** The route read, e.g. `/persons/:personId/personal-data`. */
  resource: string;
}

/**
 * Every read of a person's record (their events, personal data, status, timeline) opens here: the caller's
 * organisation must have access (else PersonNotFound, as for nobody), the read states its purpose, and it is
 * written to the access log before anything is answered, so a read that cannot be logged is refused.
 */
@Injectable()
export class PersonReads {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accessLog: AccessLog,
  ) {}

  async open(personId: string, { actor, purpose, resource }: PersonRead): Promise<LoadedJourney> {
    const journey = await accessibleJourney(this.store, actor.org, personId);
    await this.accessLog.record({ actor: actor.sub, organisationId: actor.org, personId, resource, purpose: purposeOf(purpose) });
    return journey;
  }
}

function purposeOf(purpose: unknown): AccessPurpose {
  if (isAccessPurpose(purpose)) return purpose;
  throw new InvalidRequest(
    [{ field: 'X-Access-Purpose', reason: `must be one of ${ACCESS_PURPOSES.join(', ')}` }],
    'Every read of a person\u2019s record states its purpose',
  );
}
