import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../event-store/event-store';
import { EVENT_STORE } from '../../event-store/event-store.tokens';
import { badRequest, conflict, notFound, ruleBroken } from '../../http/problem';
import { decideFact } from '../../journey/decide-fact';
import { nameBasedUuid } from '../../journey/event-id';
import { mayAccess } from '../../journey/domain';
import { journeyStreamId, loadJourney } from '../../journey/journey-stream';
import { FreeTextSeal } from '../../personal-data/free-text-seal';
import { RecordJourneyFactCommand, type RecordedFactAnswer } from './record-fact.command';

/** Thin by design: the journey (as the request read it, or read now), the pure rules decide, append with optimistic concurrency. */
@CommandHandler(RecordJourneyFactCommand)
export class RecordJourneyFactHandler implements ICommandHandler<RecordJourneyFactCommand, RecordedFactAnswer> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly freeText: FreeTextSeal) {}

  async execute(command: RecordJourneyFactCommand): Promise<RecordedFactAnswer> {
    const { personId, fact, actor } = command;
    const { expectedRevision, idempotencyKey } = command.options;
    const journey = command.options.journey ?? (await loadJourney(this.store, personId));
    // Decided on the revision appended to: a change since the journey was read (a consent withdrawn) is a 409, never missed.
    const hidden = journey.state.registered && !mayAccess(journey.state, fact.organisationId);
    if (hidden || (journey.revision === -1 && fact.type !== 'PersonRegistered')) throw notFound('No such person');
    const eventId = (index: number) =>
      idempotencyKey ? nameBasedUuid('http', actor.org, personId, idempotencyKey, String(index)) : randomUUID();

    if (idempotencyKey) {
      const earlier = journey.events.find((event) => event.eventId === eventId(0));
      if (earlier) {
        // Free text seals to the same bytes for the same event id, so the retry's data compares as stored.
        const data = await this.freeText.seal(personId, { eventId: earlier.eventId, type: fact.type, data: fact.data }, journey.state);
        const same = earlier.type === fact.type && earlier.occurredAt === fact.occurredAt && isDeepStrictEqual(earlier.data, data);
        if (!same) throw ruleBroken('idempotency_key_reused', 'This Idempotency-Key was already used for a different request');
        return { revision: earlier.streamRevision, position: earlier.position };
      }
    }
    if (expectedRevision !== undefined && expectedRevision !== journey.revision) {
      throw conflict(`If-Match revision ${expectedRevision} is not the current revision; nothing was written`);
    }

    const decided = decideFact(fact, journey.state);
    if ('errors' in decided) throw badRequest(decided.errors.map((error) => ({ ...error, field: error.field.replace(/^data\./, '') })));
    const events: NewEvent[] = await Promise.all(
      decided.events.map(async (event, index) => {
        const id = eventId(index);
        return {
          ...event,
          eventId: id,
          data: (await this.freeText.seal(personId, { ...event, eventId: id }, journey.state)) as Record<string, unknown>,
          metadata: { actor: actor.sub, organisationId: actor.org, correlationId: command.correlationId, causationId: null },
        };
      }),
    );
    // The rules decided on this revision: appending against it turns a concurrent change into a 409, not a broken rule.
    const result = await this.store.append(journeyStreamId(personId), events, journey.revision === -1 ? 'no_stream' : journey.revision);
    return { revision: result.nextExpectedRevision, position: result.position };
  }
}
