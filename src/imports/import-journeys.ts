import canonicalize from 'canonicalize';
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store/event-store';
import type { FieldError } from '../http/problem';
import { isRecordedJourneyEvent, journeyDecider, JourneyRuleViolation, mayAccess, type JourneyCommand, type JourneyEventType, type JourneyState, type RecordedJourneyEvent } from '../journey/domain';
import { isPlainString, PLAIN_CHARACTERS, validateEventData, validateOccurredAt } from '../journey/event-data';
import { decideFact } from '../journey/decide-fact';
import { nameBasedUuid } from '../journey/event-id';
import { journeyStreamId } from '../journey/journey-stream';
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

/** Seals an event's free text under the person's data key before it is written (FreeTextSeal). */
export interface FreeTextSealer {
  seal(personId: string, event: { eventId: string; type: JourneyEventType; data: object }, journey: JourneyState): Promise<object>;
}

export interface ImportOptions {
  dryRun: boolean;
  sealer: FreeTextSealer;
  /** Pseudonymous id of who runs the import; goes into each event's metadata. */
  actor: string;
  /** When set, every line must belong to this organisation (an HTTP caller imports for their own only). */
  organisationId?: string;
  onProgress?: (progress: ImportProgress) => void;
}

/** The file was refused; nothing was written. */
export class ImportRejected extends Error {
  readonly badLines: number;
  /** The errors of the first bad lines (MAX_LISTED_ERRORS at most). */
  readonly errors: ImportLineError[];
  /** Bad lines beyond those `errors` lists. */
  readonly moreBadLines: number;

  constructor(badLines: BadLines) {
    super(`${badLines.count} bad line(s); nothing was written`);
    this.name = 'ImportRejected';
    this.badLines = badLines.count;
    this.errors = badLines.listed();
    this.moreBadLines = badLines.unlisted();
  }
}

interface ImportLine {
  line: number;
  personId: string;
  eventId?: string;
  fact: JourneyCommand;
}

/** Personal data enters only through its own route, encrypted under keys this system holds (and erased by destroying them). */
const NOT_IMPORTABLE = new Set(['PersonalDataRecorded', 'PersonalDataErased']);
const LINE_FIELDS = new Set(['eventId', 'personId', 'type', 'occurredAt', 'organisationId', 'data']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERSONS_PER_READ = 1000;
const EVENTS_PER_WRITE = 5000;
const WRITES_IN_FLIGHT = 2;

/**
 * Bulk import: one fact per NDJSON line, through the same validation and `decide` rules as the API (a person's
 * lines apply in file order). Every line is checked before anything is written, so a bad line anywhere (even the
 * last of a huge file) means nothing is written; the first bad lines are reported, and how many more there were.
 * Nothing of a bad line is kept. Lines without an eventId get one derived from their content, so importing the
 * same file again writes nothing new.
 */
export async function importJourneys(lines: AsyncIterable<NdjsonLine> | Iterable<NdjsonLine>, store: EventStore, options: ImportOptions): Promise<ImportSummary> {
  const badLines = new BadLines();
  const byPerson = new Map<string, ImportLine[]>();
  const checkFact = rememberedFactChecks();
  let lineNumber = 0;
  let events = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (text === OVERLONG_LINE) {
      badLines.add([{ line: lineNumber, field: 'line', reason: `longer than ${MAX_LINE_BYTES} bytes` }]);
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = parseLine(text, lineNumber, checkFact, options.organisationId);
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
  if (badLines.count > 0) throw new ImportRejected(badLines);
  const summary = { persons: byPerson.size, events, written: 0, dryRun: options.dryRun };
  if (options.dryRun) return summary;

  for (const append of appends) append.events = await sealed(append, options.sealer);
  const total = appends.reduce((sum, append) => sum + append.events.length, 0);
  // Two writes in flight: the store seals (canonicalises and hashes) one chunk while PostgreSQL commits the other.
  // The chunks touch different persons, so they cannot conflict; the log orders them by commit.
  const inFlight = new Set<Promise<void>>();
  for (const chunk of chunksOf(appends, EVENTS_PER_WRITE)) {
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
async function sealed({ personId, events, journey }: PersonAppend, sealer: FreeTextSealer): Promise<NewEvent[]> {
  return Promise.all(
    events.map(async (event) => ({ ...event, data: (await sealer.seal(personId, event as NewEvent & { type: JourneyEventType }, journey)) as Record<string, unknown> })),
  );
}

interface PersonAppend {
  personId: string;
  streamId: string;
  events: NewEvent[];
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
async function checkAgainstJourneys(
  byPerson: Map<string, ImportLine[]>,
  store: EventStore,
  badLines: BadLines,
  options: ImportOptions,
) {
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
  const state = history.filter(isRecordedJourneyEvent).reduce(journeyDecider.evolve, journeyDecider.initialState);
  return state.registered && !mayAccess(state, options.organisationId) ? [] : history;
}

function applyLines(
  lines: ImportLine[],
  history: RecordedEvent[],
  badLines: BadLines,
  actor: string,
  correlationId: string,
): { newEvents: NewEvent[]; journey: JourneyState } {
  let state: JourneyState = history.filter(isRecordedJourneyEvent).reduce(journeyDecider.evolve, journeyDecider.initialState);
  const known = new Set(history.map((event) => event.eventId));
  const occurrences = new Map<string, number>();
  const newEvents: NewEvent[] = [];
  for (const { line, personId, eventId: givenId, fact } of lines) {
    const eventId = givenId ?? derivedEventId(personId, fact, occurrences);
    if (known.has(eventId)) continue; // imported before: the log already has it
    let decided;
    try {
      decided = decideFact(fact, state);
    } catch (error) {
      if (!(error instanceof JourneyRuleViolation)) throw error;
      badLines.add([{ line, field: 'type', reason: `rule ${error.rule}: ${error.message}` }]);
      continue;
    }
    if ('errors' in decided) {
      badLines.add(decided.errors.map((error) => ({ line, ...error })));
      continue;
    }
    for (const event of decided.events) {
      const metadata = { actor, organisationId: fact.organisationId, correlationId, causationId: null };
      const recorded: RecordedJourneyEvent = { ...event, eventId, metadata };
      state = journeyDecider.evolve(state, recorded);
      known.add(eventId);
      newEvents.push({ ...event, eventId, data: event.data as unknown as Record<string, unknown>, metadata });
    }
  }
  return { newEvents, journey: state };
}

/** The same content twice for one person is two facts: the occurrence count keeps their ids apart, run after run. */
function derivedEventId(personId: string, fact: JourneyCommand, occurrences: Map<string, number>): string {
  const content = canonicalize([personId, fact.type, fact.occurredAt, fact.organisationId, fact.data]) ?? '';
  const occurrence = (occurrences.get(content) ?? 0) + 1;
  occurrences.set(content, occurrence);
  return nameBasedUuid('import', content, String(occurrence));
}

type FactCheck = (type: unknown, data: unknown) => FieldError[];

/**
 * Data validation is a pure function of (type, data), and bulk files repeat the same coded facts many times
 * (`{"status": "student"}`...): each distinct valid pair is validated once per import. Only short valid pairs are
 * remembered: nothing of a bad line is kept, and a file of large unique data cannot fill memory this way.
 */
function rememberedFactChecks(capacity = 50_000, longestKey = 1024): FactCheck {
  const valid = new Set<string>();
  return (type, data) => {
    const key = `${String(type)}\u0000${JSON.stringify(data)}`;
    if (valid.has(key)) return [];
    const errors = validateEventData(type, data);
    if (errors.length === 0 && key.length <= longestKey && valid.size < capacity) valid.add(key);
    return errors;
  };
}

function parseLine(text: string, line: number, checkFact: FactCheck, requiredOrganisation?: string): ImportLine | { errors: ImportLineError[] } {
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
    .map((key) => (isPlainString(key) ? { field: key, reason: 'unknown field' } : { field: 'line', reason: 'has an unknown field whose name holds control characters' }));
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
  errors.push(...checkFact(record.type, record.data));
  if (errors.length > 0) return { errors: errors.map((error) => ({ line, ...error })) };
  return {
    line,
    personId: (record.personId as string).toLowerCase(),
    eventId: (record.eventId as string | undefined)?.toLowerCase(),
    fact: { type: record.type, data: record.data, occurredAt: record.occurredAt, organisationId: record.organisationId } as JourneyCommand,
  };
}
