import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { EventMetadata, EventStore, NewEvent } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import {
  correctedTypeOf,
  journeyDecider,
  type CommandOf,
  type ErasureBasis,
  type JourneyCommand,
  type JourneyEvent,
  type JourneyState,
} from '../journey/domain';
import { today, validateCorrectedData } from '../journey/event-data';
import { nameBasedUuid } from '../journey/event-id';
import { PersonalDataSeal } from '../personal-data/personal-data-seal';
import { PersonKeys } from '../personal-data/person-keys';
import { IdempotencyKeyReused, InvalidRequest, RevisionMismatch } from './errors';
import { journeyStreamId, loadJourney, type LoadedJourney } from './journey-stream';
import { accessibleJourney, checkAccess } from './person-access';

/** What a write answers: the journey's revision after it (send it as If-Match next time), and its log position. */
export interface Appended {
  revision: number;
  /** Global position of the write's last event: ask a read model for `?minPosition=` this. */
  position: number;
}

/** A write as the caller asks for it: the command, and the conditions it is written under. */
export interface WriteRequest<C extends JourneyCommand = JourneyCommand> {
  command: C;
  /** If-Match: the revision the caller last saw. A journey at another revision writes nothing. */
  expectedRevision?: number;
  /** Idempotency-Key: a retry with the same key writes nothing new and answers as the first time. */
  idempotencyKey?: string;
}

/**
 * Reads the request once the caller may access the person: someone they may not access is PersonNotFound whatever
 * the request holds (a body that would be a 400 included).
 */
export type ReadRequest<T> = () => T | Promise<T>;

/**
 * The one write path. Every write about a person goes: load their journey, check the caller's access, read the
 * request, decide (the journey's rules), seal what is personal, append against the revision decided on (If-Match
 * and Idempotency-Key honoured). The bulk import, which writes many persons at once, is made of the same pieces:
 * foldJourney, decideOn, eventMetadata and the seal.
 */
@Injectable()
export class JourneyCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly seal: PersonalDataSeal,
    private readonly keys: PersonKeys,
  ) {}

  /**
   * Registers a person under a new pseudonymous id: random, or, with an Idempotency-Key, derived from it, so that a
   * retry lands on the person the first attempt registered.
   */
  async register(actor: Actor, request: WriteRequest<CommandOf<'PersonRegistered'>>): Promise<Appended & { personId: string }> {
    const personId = request.idempotencyKey ? nameBasedUuid('person', actor.org, request.idempotencyKey) : randomUUID();
    const journey = await loadJourney(this.store, personId);
    // A retry finds the person its first attempt registered, unless the case has since left the organisation.
    if (journey.revision !== -1) checkAccess(journey, actor.org);
    return { personId, ...(await this.write(personId, journey, actor, request)) };
  }

  /** Records one event about a person. */
  async record(personId: string, actor: Actor, read: ReadRequest<WriteRequest>): Promise<Appended> {
    const journey = await accessibleJourney(this.store, actor.org, personId);
    return this.write(personId, journey, actor, await read());
  }

  /**
   * Erases a person's personal data by crypto-shredding, all or nothing: their data key is destroyed first (leaving
   * a tombstone that says who asked and why), then PersonalDataErased is appended, so the log never says erased
   * while the key exists. Asked again, it destroys any key again and answers as the first time; an erasure stopped
   * in between is completed by asking again, or at start-up (ErasureCompletion).
   */
  async erase(personId: string, actor: Actor, read: ReadRequest<ErasureBasis>): Promise<Appended> {
    const journey = await accessibleJourney(this.store, actor.org, personId);
    const basis = await read();
    const erasure = { personId, basis, actor: actor.sub, organisationId: actor.org };
    const earlier = [...journey.events].reverse().find((event) => event.type === 'PersonalDataErased');
    if (earlier) {
      await this.keys.destroy(erasure);
      await this.keys.erasureRecorded(personId);
      return { revision: earlier.streamRevision, position: earlier.position };
    }
    const command: CommandOf<'PersonalDataErased'> = { type: 'PersonalDataErased', occurredAt: today(), data: { basis }, organisationId: actor.org };
    journeyDecider.decide(command, journey.state); // the rules (who may erase) before anything is destroyed
    await this.keys.destroy(erasure);
    // Read again: the key is gone, and the event must follow whatever was appended meanwhile.
    const appended = await this.record(personId, actor, () => ({ command }));
    await this.keys.erasureRecorded(personId);
    return appended;
  }

  private async write(personId: string, journey: LoadedJourney, actor: Actor, request: WriteRequest): Promise<Appended> {
    const { command, expectedRevision, idempotencyKey } = request;
    const eventId = (index: number) => (idempotencyKey ? nameBasedUuid('http', actor.org, personId, idempotencyKey, String(index)) : randomUUID());
    if (idempotencyKey) {
      const earlier = journey.events.find((event) => event.eventId === eventId(0));
      if (earlier) {
        // Free text seals to the same bytes for the same event id, so the retry's data compares as stored.
        const event = { ...command, eventId: earlier.eventId, schemaVersion: earlier.schemaVersion };
        const data = await this.seal.seal(personId, event, journey.state);
        const same = earlier.type === command.type && earlier.occurredAt === command.occurredAt && isDeepStrictEqual(earlier.data, data);
        if (!same) throw new IdempotencyKeyReused();
        return { revision: earlier.streamRevision, position: earlier.position };
      }
    }
    if (expectedRevision !== undefined && expectedRevision !== journey.revision) throw new RevisionMismatch(expectedRevision);

    const metadata = eventMetadata(actor.sub, actor.org);
    const events: NewEvent[] = await Promise.all(
      decideOn(journey.state, command).map(async (decided, index) => {
        const event = { ...decided, eventId: eventId(index) };
        return { ...event, data: await this.seal.seal(personId, event, journey.state), metadata };
      }),
    );
    // The rules decided on this revision: appending against it turns a concurrent change into a 409, not a broken rule.
    const result = await this.store.append(journeyStreamId(personId), events, journey.revision === -1 ? 'no_stream' : journey.revision);
    return { revision: result.nextExpectedRevision, position: result.position };
  }
}

/**
 * The write path's commands as the HTTP edge sends them on the CommandBus (@nestjs/cqrs), each with the answer it
 * gets back; their handlers below hand them to JourneyCommands, where the path is.
 */
export class RegisterPerson extends Command<Appended & { personId: string }> {
  constructor(
    readonly actor: Actor,
    readonly request: WriteRequest<CommandOf<'PersonRegistered'>>,
  ) {
    super();
  }
}

export class RecordJourneyEvent extends Command<Appended> {
  constructor(
    readonly personId: string,
    readonly actor: Actor,
    readonly read: ReadRequest<WriteRequest>,
  ) {
    super();
  }
}

export class ErasePersonalData extends Command<Appended> {
  constructor(
    readonly personId: string,
    readonly actor: Actor,
    readonly read: ReadRequest<ErasureBasis>,
  ) {
    super();
  }
}

@CommandHandler(RegisterPerson)
export class RegisterPersonHandler implements ICommandHandler<RegisterPerson> {
  constructor(private readonly journeys: JourneyCommands) {}
  execute({ actor, request }: RegisterPerson) {
    return this.journeys.register(actor, request);
  }
}

@CommandHandler(RecordJourneyEvent)
export class RecordJourneyEventHandler implements ICommandHandler<RecordJourneyEvent> {
  constructor(private readonly journeys: JourneyCommands) {}
  execute({ personId, actor, read }: RecordJourneyEvent) {
    return this.journeys.record(personId, actor, read);
  }
}

@CommandHandler(ErasePersonalData)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalData> {
  constructor(private readonly journeys: JourneyCommands) {}
  execute({ personId, actor, read }: ErasePersonalData) {
    return this.journeys.erase(personId, actor, read);
  }
}

/**
 * The journey's decide, then the one check of a command's data that only the journey can make: a correction's data
 * must be valid for the type of the event it corrects. Its InvalidRequest names fields within the command's data
 * (`correctedData.reason`), as a route's body does. The API and the import both decide through it.
 */
export function decideOn(state: JourneyState, command: JourneyCommand): JourneyEvent[] {
  const events = journeyDecider.decide(command, state);
  if (command.type === 'EventCorrected') {
    const correctedType = correctedTypeOf(command, (eventId) => state.events.get(eventId)?.type);
    const errors = correctedType ? validateCorrectedData(correctedType, command.data.correctedData) : [];
    if (errors.length > 0) throw new InvalidRequest(errors.map(({ field, reason }) => ({ field: field.replace(/^data\./, ''), reason })));
  }
  return events;
}

/**
 * Who recorded an event, never whom it is about. `correlationId` groups every event of one request or import;
 * causationId is null, as a person's request caused them.
 */
export function eventMetadata(actor: string, organisationId: string, correlationId: string = randomUUID()): EventMetadata {
  return { actor, organisationId, correlationId, causationId: null };
}
