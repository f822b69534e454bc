import type { EventStore } from '../event-store/event-store';
import { mayAccess } from '../journey/domain';
import { PersonNotFound } from './errors';
import { loadJourney, type LoadedJourney } from './journey-stream';

/**
 * The one access check, for reads and writes alike: a person is seen and written about only by the organisation
 * holding their case and those it is shared with (the journey's `mayAccess`). Anyone else is told PersonNotFound,
 * exactly as for a person nobody registered.
 */
export function checkAccess(journey: LoadedJourney, organisationId: string): LoadedJourney {
  if (!journey.state.registered || !mayAccess(journey.state, organisationId)) throw new PersonNotFound();
  return journey;
}

/** The person's journey, read and checked for the organisation's access. */
export async function accessibleJourney(store: EventStore, organisationId: string, personId: string): Promise<LoadedJourney> {
  return checkAccess(await loadJourney(store, personId), organisationId);
}
