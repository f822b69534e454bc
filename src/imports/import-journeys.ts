import canonicalize from 'canonicalize';
import { randomUUID } from 'node:crypto';
import { ImportRejected, InvalidRequest } from '../application/errors';
import { decideOn, eventMetadata } from '../application/journey-commands';
import { foldJourney, journeyStreamId } from '../application/journey-stream';
import type { EventMetadata, EventStore, RecordedEvent, StreamAppend } from '../event-store/event-store';
import { journeyDecider, JourneyRuleViolation, mayAccess, type JourneyCommand, type JourneyState } from '../journey/domain';
import { isPlainString, PLAIN_CHARACTERS, validateEventData, validateOccurredAt, type FieldError } from '../journey/event-data';
import { nameBasedUuid } from '../journey/event-id';
import type { EventToSeal } from '../personal-data/personal-data-seal';
import { BadLines, type ImportLineError } from './bad-lines';
import { MAX_LINE_BYTES, OVERLONG_LINE, type NdjsonLine } from './ndjson';

export interface ImportSummary {
  persons: number;
  events: number;
  /** Events new to the log; 0 when the same file is imported again (and on a dry run). */
  written: number;
  dryRun: boolean;
}

export interface ImportProgress {
  phase: 'reading' | 'checking' | 'writing';
  done: number;
  total: number;
}

/** Seals what of an event is personal (its free text) under the person's data key before it is written (PersonalDataSeal). */
export interface Sealer {
  seal(personId: string, event: EventToSeal, journey: JourneyState): Promise<Record<string, unknown>>;
}

export interface ImportOptions {
  dryRun: boolean;
  sealer: Sealer;
  /** Pseudonymous id of who runs the import; goes into each event's metadata. */
  actor: string;
  /** When set, every line must belong to this organisation (an HTTP caller imports for their own only). */
  organisationId?: string;
  onProgress?: (progress: ImportProgress) => void;
}

interface ImportLine {
  line: number;
  personId: string;
  eventId?: string;
  command: JourneyCommand;
}

/** Personal data enters only through its own route, encrypted under keys this system holds (and erased by destroying them). */
const NOT_IMPORTABLE = new Set(['PersonalDataRecorded', 'PersonalDataErased']);
const LINE_FIELDS = new Set(['eventId', 'personId', 'type', 'occurredAt', 'organisationId', 'data']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERSONS_PER_READ = 1000;
const EVENTS_PER_WRITE = 5000;
const WRITES_IN_FLIGHT = 2;

/**
 * Bulk import: one event per NDJSON line, through the same validation, fold and decide as the API (a person's
 * lines apply in file order). Every line is checked before anything is written, so a bad line anywhere (even the
 * last of a huge file) means nothing is written; the first bad lines are reported, and how many more there were.
 * Nothing of a bad line is kept. Lines without an eventId get one derived from their content, so importing the
 * same file again writes nothing new.
 */
export async function importJourneys(
  lines: AsyncIterable<NdjsonLine> | Iterable<NdjsonLine>,
  store: EventStore,
  options: ImportOptions,
): Promise<ImportSummary> {
  const badLines = new BadLines();
  const byPerson = new Map<string, ImportLine[]>();
  const checkData = rememberedDataChecks();
  let lineNumber = 0;
  let events = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (text === OVERLONG_LINE) {
      badLines.add([{ line: lineNumber, field: 'line', reason: `longer than ${MAX_LINE_BYTES} bytes` }]);
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = parseLine(text, lineNumber, checkData, options.organisationId);
    if ('errors' in parsed) {
      badLines.add(parsed.errors);
      continue;
    }
    events += 1;
    const personLines = byPerson.get(parsed.personId) ?? [];
    if (personLines.length === 0) byPerson.set(parsed.personId, personLines);
    personLines.push(parsed);
    if (lineNumber % 10000 === 0) options.onProgress?.({ phase: 'reading', done: lineNumber, total: 0 });
  }

  const appends = await checkAgainstJourneys(byPerson, store, badLines, options);
  if (badLines.count > 0) throw new ImportRejected(badLines.count, badLines.listed(), badLines.unlisted());
  const summary = { persons: byPerson.size, events, written: 0, dryRun: options.dryRun };
  if (options.dryRun) return summary;

  const streams: StreamAppend[] = [];
  for (const append of appends) streams.push(await sealed(append, options.sealer));
  const total = streams.reduce((sum, stream) => sum + stream.events.length, 0);
  // Two writes in flight: the store seals (canonicalises and hashes) one chunk while PostgreSQL commits the other.
  // The chunks touch different persons, so they cannot conflict; the log orders them by commit.
  const inFlight = new Set<Promise<void>>();
  for (const chunk of chunksOf(streams, EVENTS_PER_WRITE)) {
    const size = chunk.reduce((sum, append) => sum + append.events.length, 0);
    const write: Promise<void> = store.appendMany(chunk).then(() => {
      inFlight.delete(write);
      summary.written += size;
      options.onProgress?.({ phase: 'writing', done: summary.written, total });
    });
    inFlight.add(write);
    if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return summary;
}

/** The person's new events with their free text sealed (checked as plain text, written as ciphertext only). */
async function sealed({ personId, streamId, events, expected, journey }: PersonAppend, sealer: Sealer): Promise<StreamAppend> {
  const stored = await Promise.all(events.map(async (event) => ({ ...event, data: await sealer.seal(personId, event, journey) })));
  return { streamId, events: stored, expected };
}

/** A person's new events as decided, with their ids and metadata. */
type DecidedEvent = EventToSeal & { metadata: EventMetadata };

interface PersonAppend {
  personId: string;
  streamId: string;
  events: DecidedEvent[];
  expected: 'no_stream' | number;
  /** The person's journey with the new events: a correction's target type is found in it. */
  journey: JourneyState;
}

/** Consecutive appends of about `events` events each (a person's events are never split). */
function* chunksOf<T extends { events: readonly unknown[] }>(appends: T[], events: number): Generator<T[]> {
  let chunk: T[] = [];
  let size = 0;
  for (const append of appends) {
    if (size > 0 && size + append.events.length > events) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(append);
    size += append.events.length;
  }
  if (chunk.length > 0) yield chunk;
}

/** Folds each person's journey as stored, then applies their lines in file order through the rules. */
async function checkAgainstJourneys(byPerson: Map<string, ImportLine[]>, store: EventStore, badLines: BadLines, options: ImportOptions) {
  const correlationId = randomUUID();
  const appends: PersonAppend[] = [];
  const personIds = [...byPerson.keys()];
  for (let start = 0; start < personIds.length; start += PERSONS_PER_READ) {
    const batch = personIds.slice(start, start + PERSONS_PER_READ);
    const stored = await store.readStreams(batch.map(journeyStreamId));
    for (const personId of batch) {
      const streamId = journeyStreamId(personId);
      const history = seenBy(options, stored.get(streamId) ?? []);
      const { newEvents, journey } = applyLines(byPerson.get(personId) ?? [], history, badLines, options.actor, correlationId);
      if (newEvents.length > 0) {
        const expected = history.length === 0 ? 'no_stream' : history[history.length - 1].streamRevision;
        appends.push({ personId, streamId, events: newEvents, expected, journey });
      }
    }
    options.onProgress?.({ phase: 'checking', done: Math.min(start + PERSONS_PER_READ, personIds.length), total: personIds.length });
  }
  return appends;
}

/**
 * A stored journey as the importing organisation's dry run sees it: a person another organisation holds (and does
 * not share) is checked as an id nobody holds, so that a dry run, which writes nothing, cannot tell whether an id
 * is someone's. The real run checks against the stored journey: it never writes into another organisation's.
 */
function seenBy(options: ImportOptions, history: RecordedEvent[]): RecordedEvent[] {
  if (!options.dryRun || options.organisationId === undefined || history.length === 0) return history;
  const state = foldJourney(history);
  return state.registered && !mayAccess(state, options.organisationId) ? [] : history;
}

function applyLines(
  lines: ImportLine[],
  history: RecordedEvent[],
  badLines: BadLines,
  actor: string,
  correlationId: string,
): { newEvents: DecidedEvent[]; journey: JourneyState } {
  let state = foldJourney(history);
  const known = new Set(history.map((event) => event.eventId));
  const occurrences = new Map<string, number>();
  const newEvents: DecidedEvent[] = [];
  for (const { line, personId, eventId: givenId, command } of lines) {
    const eventId = givenId ?? derivedEventId(personId, command, occurrences);
    if (known.has(eventId)) continue; // imported before: the log already has it
    let decided;
    try {
      decided = decideOn(state, command);
    } catch (error) {
      if (error instanceof JourneyRuleViolation) badLines.add([{ line, field: 'type', reason: `rule ${error.rule}: ${error.message}` }]);
      else if (error instanceof InvalidRequest) badLines.add(error.errors.map(({ field, reason }) => ({ line, field: `data.${field}`, reason })));
      else throw error;
      continue;
    }
    for (const event of decided) {
      const newEvent = { ...event, eventId, metadata: eventMetadata(actor, command.organisationId, correlationId) };
      state = journeyDecider.evolve(state, newEvent);
      known.add(eventId);
      newEvents.push(newEvent);
    }
  }
  return { newEvents, journey: state };
}

/** The same content twice for one person is two events: the occurrence count keeps their ids apart, run after run. */
function derivedEventId(personId: string, command: JourneyCommand, occurrences: Map<string, number>): string {
  const content = canonicalize([personId, command.type, command.occurredAt, command.organisationId, command.data]) ?? '';
  const occurrence = (occurrences.get(content) ?? 0) + 1;
  occurrences.set(content, occurrence);
  return nameBasedUuid('import', content, String(occurrence));
}

type DataCheck = (type: unknown, data: unknown) => FieldError[];

/**
 * Data validation is a pure function of (type, data), and bulk files repeat the same coded data many times
 * (`{"status": "student"}`...): each distinct valid pair is validated once per import. Only short valid pairs are
 * remembered: nothing of a bad line is kept, and a file of large unique data cannot fill memory this way.
 */
function rememberedDataChecks(capacity = 50_000, longestKey = 1024): DataCheck {
  const valid = new Set<string>();
  return (type, data) => {
    const key = `${String(type)}\u0000${JSON.stringify(data)}`;
    if (valid.has(key)) return [];
    const errors = validateEventData(type, data);
    if (errors.length === 0 && key.length <= longestKey && valid.size < capacity) valid.add(key);
    return errors;
  };
}

function parseLine(text: string, line: number, checkData: DataCheck, requiredOrganisation?: string): ImportLine | { errors: ImportLineError[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { errors: [{ line, field: 'line', reason: 'not valid JSON' }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { errors: [{ line, field: 'line', reason: 'must be a JSON object' }] };
  }
  const record = value as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(record)
    .filter((key) => !LINE_FIELDS.has(key))
    .map((key) =>
      isPlainString(key) ? { field: key, reason: 'unknown field' } : { field: 'line', reason: 'has an unknown field whose name holds control characters' },
    );
  if (typeof record.personId !== 'string' || !UUID.test(record.personId)) errors.push({ field: 'personId', reason: 'must be a UUID' });
  if (record.eventId !== undefined && (typeof record.eventId !== 'string' || !UUID.test(record.eventId))) {
    errors.push({ field: 'eventId', reason: 'must be a UUID when given' });
  }
  if (typeof record.organisationId !== 'string' || record.organisationId.trim() === '') {
    errors.push({ field: 'organisationId', reason: 'must be a non-empty string' });
  } else if (!isPlainString(record.organisationId)) {
    errors.push({ field: 'organisationId', reason: PLAIN_CHARACTERS });
  } else if (requiredOrganisation !== undefined && record.organisationId !== requiredOrganisation) {
    errors.push({ field: 'organisationId', reason: 'must be your own organisation' });
  }
  const occurredAtProblem = validateOccurredAt(record.occurredAt);
  if (occurredAtProblem) errors.push({ field: 'occurredAt', reason: occurredAtProblem });
  if (typeof record.type === 'string' && NOT_IMPORTABLE.has(record.type)) {
    return { errors: [{ line, field: 'type', reason: `${record.type} cannot be imported: use the personal-data and erasure routes` }] };
  }
  errors.push(...checkData(record.type, record.data));
  if (errors.length > 0) return { errors: errors.map((error) => ({ line, ...error })) };
  return {
    line,
    personId: (record.personId as string).toLowerCase(),
    eventId: (record.eventId as string | undefined)?.toLowerCase(),
    command: { type: record.type, data: record.data, occurredAt: record.occurredAt, organisationId: record.organisationId } as JourneyCommand,
  };
}
