import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { notFound } from '../http/problem';
import { mayAccess } from '../journey/domain';
import { loadJourney, type LoadedJourney } from '../journey/journey-stream';
import type { Actor } from './actor';

/**
 * Organisation scoping: a person is seen only by the organisation holding their case and those it is shared with
 * (journey rules, `mayAccess`). Anyone else gets the same 404 as for a person who does not exist.
 */
@Injectable()
export class PersonScope {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The person's journey, when the actor's organisation may access it; otherwise a 404 problem. */
  async journeyFor(actor: Actor, personId: string): Promise<LoadedJourney> {
    const journey = await loadJourney(this.store, personId);
    if (!journey.state.registered || !mayAccess(journey.state, actor.org)) throw notFound('No such person');
    return journey;
  }
}
