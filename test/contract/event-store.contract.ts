import { randomUUID } from 'node:crypto';
import { canonicalBytes, NO_PREVIOUS_HASH, sha256Hex } from '../../src/integrity/canonical';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type CanonicalEvent,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../../src/event-store/event-store';

/** What an adapter's spec hands the contract: stores over one log that only this suite writes to. */
export interface EventStoreUnderTest {
  /** A new store instance over the same log (the concurrency test opens one per writer); the suite closes it. */
  open(): Promise<EventStore>;
  /** Positions are 1, 2, 3... with no gaps (PostgreSQL), not merely increasing (EventStoreDB). */
  densePositions: boolean;
  /** Releases the log and its connections once every store is closed. */
  dispose(): Promise<void>;
}

/**
 * What an adapter's server guarantees, known when the suite is declared (so that a test it cannot pass shows as
 * skipped; setUp's answer comes only once the suite runs). The default is everything, as on PostgreSQL.
 */
export interface EventStoreCapabilities {
  /**
   * An event id already in the log is refused anywhere else, in any stream (PostgreSQL: a unique index). EventStoreDB
   * keeps no index by event id: it recognises retries, but an id reused in another stream is written again.
   */
  uniqueEventIds: boolean;
}

/**
 * The EventStore port's contract, EventStoreDB's semantics. Every test works in streams of its own (unique
 * prefixes), so it also runs on a shared server whose log already holds other events.
 */
export function describeEventStoreContract(
  name: string,
  setUp: () => Promise<EventStoreUnderTest>,
  capabilities: EventStoreCapabilities = { uniqueEventIds: true },
): void {
  const withUniqueEventIds = capabilities.uniqueEventIds ? test : test.skip;
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;

    beforeAll(async () => {
      subject = await setUp();
      store = await subject.open();
    });

    afterAll(async () => {
      await store?.close();
      await subject?.dispose();
    });

    describe('expected revision', () => {
      test('no_stream creates a stream, and conflicts once it exists', async () => {
        const stream = streamId();
        const result = await store.append(stream, [fact(), fact()], 'no_stream');
        expect(result.nextExpectedRevision).toBe(1);
        await expectConflict(store.append(stream, [fact()], 'no_stream'), 'no_stream', 1);
        expect(await revisions(store, stream)).toEqual([0, 1]);
      });

      test('any appends to a new stream and to an existing one', async () => {
        const stream = streamId();
        expect((await store.append(stream, [fact()], 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(stream, [fact(), fact()], 'any')).nextExpectedRevision).toBe(2);
        expect(await revisions(store, stream)).toEqual([0, 1, 2]);
      });

      test('stream_exists appends to an existing stream, and conflicts with no_stream otherwise', async () => {
        const stream = streamId();
        await expectConflict(store.append(stream, [fact()], 'stream_exists'), 'stream_exists', 'no_stream');
        expect(await revisions(store, stream)).toEqual([]);
        await store.append(stream, [fact()], 'no_stream');
        expect((await store.append(stream, [fact()], 'stream_exists')).nextExpectedRevision).toBe(1);
      });

      test('a revision number appends when it is the last event, and conflicts with the actual revision otherwise', async () => {
        const stream = streamId();
        await expectConflict(store.append(stream, [fact()], 0), 0, 'no_stream');
        await store.append(stream, [fact(), fact()], 'no_stream');
        expect((await store.append(stream, [fact()], 1)).nextExpectedRevision).toBe(2);
        await expectConflict(store.append(stream, [fact()], 1), 1, 2);
        await expectConflict(store.append(stream, [fact()], 7), 7, 2);
        expect(await revisions(store, stream)).toEqual([0, 1, 2]);
      });

      test('a store that did not see another store append still detects the conflict, and any still appends', async () => {
        const other = await subject.open();
        try {
          const stream = streamId();
          await store.append(stream, [fact()], 'no_stream');
          await other.append(stream, [fact()], 0);
          await expectConflict(store.append(stream, [fact()], 0), 0, 1);
          await other.append(stream, [fact()], 1);
          expect((await store.append(stream, [fact()], 'any')).nextExpectedRevision).toBe(3);
          expect((await store.append(stream, [fact()], 'stream_exists')).nextExpectedRevision).toBe(4);
          expect(await revisions(other, stream)).toEqual([0, 1, 2, 3, 4]);
        } finally {
          await other.close();
        }
      });
    });

    describe('atomicity and idempotence', () => {
      withUniqueEventIds('a multi-event append that fails on one event writes none of them', async () => {
        const prefix = streamPrefix();
        const taken = fact();
        await store.append(`${prefix}-first`, [taken], 'no_stream');
        const batch = [fact(), { ...fact(), eventId: taken.eventId }, fact()];
        await expect(store.append(`${prefix}-second`, batch, 'any')).rejects.toThrow(DuplicateEventIdError);
        await expectConflict(store.append(`${prefix}-first`, [fact(), fact(), fact()], 5), 5, 0);
        expect(await revisions(store, `${prefix}-second`)).toEqual([]);
        expect(await revisions(store, `${prefix}-first`)).toEqual([0]);
        const logged = await collect(store.readAll({ filter: { streamPrefix: prefix } }));
        expect(logged.map((event) => event.eventId)).toEqual([taken.eventId]);
      });

      test('re-appending the same events (a retried request) writes nothing and answers as the first time', async () => {
        const stream = streamId();
        const opening = [fact(), fact()];
        const first = await store.append(stream, opening, 'no_stream');
        const next = [fact()];
        const second = await store.append(stream, next, 1);
        await store.append(stream, [fact()], 2); // the stream moved on since

        expect(await store.append(stream, opening, 'no_stream')).toEqual(first);
        expect(await store.append(stream, opening, 'any')).toEqual(first);
        expect(await store.append(stream, opening, 'stream_exists')).toEqual(first);
        expect(await store.append(stream, next, 1)).toEqual(second);
        expect(await store.append(stream, next, 'any')).toEqual(second);
        expect(await revisions(store, stream)).toEqual([0, 1, 2, 3]);
      });

      test('a retry from a store that did not make the first append gets the same answer', async () => {
        const other = await subject.open();
        try {
          const stream = streamId();
          const events = [fact(), fact(), fact()];
          const first = await store.append(stream, events, 'any');
          expect(await other.append(stream, events, 'any')).toEqual(first);
          expect(await other.append(stream, events, 'no_stream')).toEqual(first);
          expect(await revisions(other, stream)).toEqual([0, 1, 2]);
        } finally {
          await other.close();
        }
      });

      withUniqueEventIds('an event id already used elsewhere is refused, naming the id', async () => {
        const prefix = streamPrefix();
        const used = fact();
        await store.append(`${prefix}-a`, [used, fact()], 'no_stream');
        const elsewhere = store.append(`${prefix}-b`, [{ ...fact(), eventId: used.eventId }], 'no_stream');
        await expect(elsewhere).rejects.toThrow(DuplicateEventIdError);
        await expect(elsewhere).rejects.toMatchObject({ eventId: used.eventId });
        const laterInSameStream = store.append(`${prefix}-a`, [{ ...fact(), eventId: used.eventId }], 1);
        await expect(laterInSameStream).rejects.toThrow(DuplicateEventIdError);
        expect(await revisions(store, `${prefix}-b`)).toEqual([]);
        expect(await revisions(store, `${prefix}-a`)).toEqual([0, 1]);
      });
    });

    describe('concurrent appends through one store', () => {
      test('among many appends made at once, exactly those with a wrong expected revision fail', async () => {
        const prefix = streamPrefix();
        const streams = range(40).map((index) => `${prefix}-${index}`);
        await Promise.all(streams.map((stream) => store.append(stream, [fact()], 'no_stream')));
        const start = await store.headPosition();
        const wrong = (index: number) => index % 3 === 0;

        const outcomes = await Promise.allSettled(streams.map((stream, index) => store.append(stream, [fact(), fact()], wrong(index) ? 5 : 0)));

        outcomes.forEach((outcome, index) => {
          if (wrong(index)) {
            expect(outcome.status).toBe('rejected');
            const reason: unknown = (outcome as PromiseRejectedResult).reason;
            expect(reason).toBeInstanceOf(WrongExpectedRevisionError);
            expect(reason).toMatchObject({ streamId: streams[index], expected: 5, actual: 0 });
          } else {
            expect(outcome).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2 } });
          }
        });
        for (const [index, stream] of streams.entries()) {
          expect(await revisions(store, stream)).toEqual(wrong(index) ? [0] : [0, 1, 2]);
        }
        const written = await collect(store.readAll({ after: start, filter: { streamPrefix: prefix } }));
        expect(written).toHaveLength(2 * streams.filter((_, index) => !wrong(index)).length);
        const lastPositions = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.position] : []));
        expect(lastPositions.every((position) => written.some((event) => event.position === position))).toBe(true);
        if (subject.densePositions) {
          expect(written.map((event) => event.position)).toEqual(range(written.length).map((i) => start + 1 + i));
        }
      });

      test('appends to one stream made at once: any all land in turn; the same expected revision lets exactly one win', async () => {
        const stream = streamId();
        const anyResults = await Promise.all(range(10).map(() => store.append(stream, [fact()], 'any')));
        expect(anyResults.map((result) => result.nextExpectedRevision).sort((a, b) => a - b)).toEqual(range(10));
        expectIncreasing([...anyResults].sort((a, b) => a.nextExpectedRevision - b.nextExpectedRevision).map((r) => r.position));

        const racing = await Promise.allSettled(range(6).map(() => store.append(stream, [fact()], 9)));
        const winners = racing.filter((outcome) => outcome.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        expect(winners[0]).toMatchObject({ value: { nextExpectedRevision: 10 } });
        for (const outcome of racing.filter((outcome) => outcome.status === 'rejected')) {
          expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
          expect(outcome.reason).toMatchObject({ expected: 9, actual: 10 });
        }
        const events = await collect(store.readStream(stream));
        expect(events.map((event) => event.streamRevision)).toEqual(range(11));
        events.forEach((event, index) => {
          expect(event.prevEventHash).toBe(index === 0 ? NO_PREVIOUS_HASH : events[index - 1]?.eventHash);
        });
      });

      withUniqueEventIds('a duplicate event id fails only its own append; a retry made at once gets the first answer', async () => {
        const prefix = streamPrefix();
        const used = fact();
        await store.append(`${prefix}-used`, [used], 'no_stream');
        const retried = [fact(), fact()];
        const first = await store.append(`${prefix}-retried`, retried, 'no_stream');
        const shared = fact();

        const [duplicate, retry, sharedOnce, sharedTwice, ...fresh] = await Promise.allSettled([
          store.append(`${prefix}-dup`, [fact(), { ...fact(), eventId: used.eventId }], 'no_stream'),
          store.append(`${prefix}-retried`, retried, 'any'),
          store.append(`${prefix}-shared-1`, [shared], 'no_stream'),
          store.append(`${prefix}-shared-2`, [shared], 'no_stream'),
          ...range(8).map((index) => store.append(`${prefix}-fresh-${index}`, [fact(), fact()], 'no_stream')),
        ]);

        expect(duplicate).toMatchObject({ status: 'rejected', reason: { eventId: used.eventId } });
        expect((duplicate as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
        expect(retry).toEqual({ status: 'fulfilled', value: first });
        expect(sharedOnce).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
        expect(sharedTwice).toMatchObject({ status: 'rejected', reason: { eventId: shared.eventId } });
        expect((sharedTwice as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
        for (const outcome of fresh) expect(outcome).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
        expect(await revisions(store, `${prefix}-dup`)).toEqual([]);
        expect(await revisions(store, `${prefix}-shared-2`)).toEqual([]);
        expect(await revisions(store, `${prefix}-retried`)).toEqual([0, 1]);
        for (const index of range(8)) expect(await revisions(store, `${prefix}-fresh-${index}`)).toEqual([0, 1]);
      });
    });

    describe('readStream', () => {
      let stream: string;
      let written: NewEvent[];

      beforeAll(async () => {
        stream = streamId();
        written = Array.from({ length: 23 }, (_, index) => fact('Tested', { index }));
        await store.append(stream, written.slice(0, 10), 'no_stream');
        await store.append(stream, written.slice(10), 9);
      });

      test('forwards from the start returns every event as appended, in revision order', async () => {
        const events = await collect(store.readStream(stream));
        expect(events.map((event) => event.streamRevision)).toEqual(range(23));
        events.forEach((event, index) => {
          expect(event).toMatchObject({ ...written[index], streamId: stream });
        });
        expectIncreasing(events.map((event) => event.position));
      });

      test('forwards from a revision, with and without maxCount', async () => {
        expect(await revisions(store, stream, { fromRevision: 20 })).toEqual([20, 21, 22]);
        expect(await revisions(store, stream, { fromRevision: 3, maxCount: 9 })).toEqual(range(9).map((i) => 3 + i));
        expect(await revisions(store, stream, { fromRevision: 23 })).toEqual([]);
      });

      test('backwards from the end or from a revision, with and without maxCount', async () => {
        expect(await revisions(store, stream, { direction: 'backwards' })).toEqual(range(23).reverse());
        expect(await revisions(store, stream, { direction: 'backwards', maxCount: 2 })).toEqual([22, 21]);
        expect(await revisions(store, stream, { direction: 'backwards', fromRevision: 12, maxCount: 10 })).toEqual(range(10).map((i) => 12 - i));
        expect(await revisions(store, stream, { direction: 'backwards', fromRevision: 1 })).toEqual([1, 0]);
      });

      test('a stream that does not exist reads as empty', async () => {
        expect(await collect(store.readStream(streamId()))).toEqual([]);
        expect(await collect(store.readStream(streamId(), { direction: 'backwards' }))).toEqual([]);
      });
    });

    describe('integrity fields', () => {
      test('each stream is a hash chain over the canonical bytes, and the store sets recordedAt', async () => {
        const stream = streamId();
        const before = new Date().toISOString();
        await store.append(stream, [fact('PersonRegistered'), fact('ConsentGranted')], 'no_stream');
        await store.append(stream, [fact('CaseOpened')], 1);
        await store.append(stream, [fact('ServiceDelivered'), fact('ContactLost')], 2);
        const after = new Date().toISOString();

        const events = await collect(store.readStream(stream));
        expect(events).toHaveLength(5);
        events.forEach((event, index) => {
          expect(event.prevEventHash).toBe(index === 0 ? NO_PREVIOUS_HASH : events[index - 1]?.eventHash);
          expect(event.eventHash).toMatch(/^[0-9a-f]{64}$/);
          expect(event.eventHash).toBe(sha256Hex(canonicalBytes(event)));
          expect(event.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
          expect(event.recordedAt >= before && event.recordedAt <= after).toBe(true);
          expect(event.occurredAt).toBe('2024-05');
        });
        expect(new Set(events.map((event) => event.eventHash)).size).toBe(5);
      });
    });

    describe('readAll', () => {
      let prefix: string;
      let start: number;
      let logged: RecordedEvent[];

      beforeAll(async () => {
        prefix = streamPrefix();
        start = await store.headPosition();
        for (let round = 0; round < 6; round++) {
          await store.append(`${prefix}-a-${round % 2}`, [fact('Opened', { round }), fact('Served', { round })], 'any');
          await store.append(`${prefix}-b`, [fact('Served', { round })], 'any');
          await store.append(`other-${prefix}`, [fact('Opened', { round })], 'any');
        }
        logged = await collect(store.readAll({ after: start, filter: { streamPrefix: prefix } }));
      });

      test('returns the log in position order from a position', async () => {
        expect(logged).toHaveLength(18);
        expectIncreasing(logged.map((event) => event.position));
        expect(logged[0]?.position).toBeGreaterThan(start);
        const middle = logged[8] as RecordedEvent;
        const rest = await collect(store.readAll({ after: middle.position, filter: { streamPrefix: prefix } }));
        expect(rest.map((event) => event.eventId)).toEqual(logged.slice(9).map((event) => event.eventId));
        const everything = await collect(store.readAll({ after: start }));
        expect(everything.length).toBeGreaterThanOrEqual(24);
        expectIncreasing(everything.map((event) => event.position));
        if (subject.densePositions) {
          expect(everything.map((event) => event.position)).toEqual(range(24).map((i) => start + 1 + i));
          expect(await store.headPosition()).toBe(start + 24);
        }
      });

      test('filters by stream prefix and by event type', async () => {
        const streamA = await collect(store.readAll({ after: start, filter: { streamPrefix: `${prefix}-a-` } }));
        expect(streamA.map((event) => event.eventId)).toEqual(
          logged.filter((event) => event.streamId.startsWith(`${prefix}-a-`)).map((event) => event.eventId),
        );
        expect(streamA).toHaveLength(12);
        const served = await collect(store.readAll({ after: start, filter: { streamPrefix: prefix, eventTypes: ['Served'] } }));
        expect(served.map((event) => event.eventId)).toEqual(logged.filter((event) => event.type === 'Served').map((event) => event.eventId));
        expect(served).toHaveLength(12);
        const opened = await collect(store.readAll({ after: start, filter: { eventTypes: ['Opened'], streamPrefix: 'other-' } }));
        expect(opened.filter((event) => event.streamId === `other-${prefix}`)).toHaveLength(6);
        expect(opened.every((event) => event.type === 'Opened' && event.streamId.startsWith('other-'))).toBe(true);
      });

      test('maxCount stops early', async () => {
        const firstFive = await collect(store.readAll({ after: start, filter: { streamPrefix: prefix }, maxCount: 5 }));
        expect(firstFive.map((event) => event.eventId)).toEqual(logged.slice(0, 5).map((event) => event.eventId));
      });
    });

    describe('subscribeToAll', () => {
      test('catches up on stored events, then delivers live appends', async () => {
        const prefix = streamPrefix();
        const start = await store.headPosition();
        await store.append(`${prefix}-1`, [fact(), fact(), fact()], 'no_stream');
        const subscription = store.subscribeToAll({ after: start, filter: { streamPrefix: prefix } });
        try {
          const events = subscription[Symbol.asyncIterator]();
          const caughtUp = await take(events, 3);
          expect(caughtUp.map((event) => event.streamRevision)).toEqual([0, 1, 2]);
          const pending = take(events, 3);
          const live = [fact(), fact()];
          await store.append(`${prefix}-1`, live, 2);
          await store.append(`${prefix}-2`, [fact()], 'no_stream');
          const delivered = await pending;
          expect(delivered.slice(0, 2).map((event) => event.eventId)).toEqual(live.map((event) => event.eventId));
          expect(delivered[2]?.streamId).toBe(`${prefix}-2`);
          expectIncreasing([...caughtUp, ...delivered].map((event) => event.position));
        } finally {
          await subscription.close();
        }
      });

      test('resumes after a stored position without repeating or missing an event', async () => {
        const prefix = streamPrefix();
        const start = await store.headPosition();
        const written = Array.from({ length: 12 }, () => fact());
        for (const [index, event] of written.entries()) await store.append(`${prefix}-${index % 3}`, [event], 'any');

        const first = store.subscribeToAll({ after: start, filter: { streamPrefix: prefix } });
        const head = await take(first[Symbol.asyncIterator](), 5);
        await first.close();
        const checkpoint = (head[4] as RecordedEvent).position;

        const resumed = store.subscribeToAll({ after: checkpoint, filter: { streamPrefix: prefix } });
        try {
          const events = resumed[Symbol.asyncIterator]();
          const tail = await take(events, 7);
          expect([...head, ...tail].map((event) => event.eventId)).toEqual(written.map((event) => event.eventId));
          const late = fact();
          const next = take(events, 1);
          await store.append(`${prefix}-late`, [late], 'no_stream');
          expect((await next)[0]?.eventId).toBe(late.eventId);
        } finally {
          await resumed.close();
        }
      });

      test('filters by event type while live', async () => {
        const prefix = streamPrefix();
        const subscription = store.subscribeToAll({
          after: await store.headPosition(),
          filter: { streamPrefix: prefix, eventTypes: ['Wanted'] },
        });
        try {
          const events = subscription[Symbol.asyncIterator]();
          const pending = take(events, 2);
          await store.append(`${prefix}-1`, [fact('Unwanted'), fact('Wanted'), fact('Unwanted')], 'no_stream');
          await store.append(`${prefix}-2`, [fact('Unwanted'), fact('Wanted')], 'no_stream');
          const delivered = await pending;
          expect(delivered.map((event) => [event.streamId, event.type])).toEqual([
            [`${prefix}-1`, 'Wanted'],
            [`${prefix}-2`, 'Wanted'],
          ]);
        } finally {
          await subscription.close();
        }
      });

      test('close() ends an iteration that is waiting for live events', async () => {
        const subscription = store.subscribeToAll({ after: await store.headPosition(), filter: { streamPrefix: streamPrefix() } });
        const waiting = subscription[Symbol.asyncIterator]().next();
        await subscription.close();
        expect(await waiting).toEqual({ done: true, value: undefined });
      });
    });

    describe('subscribeToCanonicalLog', () => {
      test('hands over each event as the exact bytes its hash is over, caught up then live, in position order', async () => {
        const stream = streamId();
        const start = await store.headPosition();
        const written = [fact('Noted', { text: 'Ñandú — 東京 🚀 "quoted" \\ \u2028' }), fact('Noted', { n: 1.5e-7 }), fact()];
        await store.append(stream, written, 'no_stream');
        const subscription = store.subscribeToCanonicalLog({ after: start, pollEveryMs: 20 });
        try {
          const events = subscription[Symbol.asyncIterator]();
          // The log is shared: keep this stream's events, in the order they come.
          const ours = async (count: number) => {
            const kept: CanonicalEvent[] = [];
            while (kept.length < count) {
              const [event] = await take(events, 1);
              if (event && (JSON.parse(event.canonical.toString('utf8')) as { streamId: string }).streamId === stream) kept.push(event);
            }
            return kept;
          };
          const caughtUp = await ours(3);
          const live = [fact(), fact('Noted', { text: 'ü' })];
          const pending = ours(2);
          await store.append(stream, live, 2);
          const delivered = [...caughtUp, ...(await pending)];

          const stored = await collect(store.readStream(stream));
          expect(delivered.map((event) => event.position)).toEqual(stored.map((event) => event.position));
          delivered.forEach((event, index) => {
            expect(event.canonical.equals(canonicalBytes(stored[index] as RecordedEvent))).toBe(true);
            expect(sha256Hex(event.canonical)).toBe(event.eventHash);
            expect(event.eventHash).toBe(stored[index]?.eventHash);
          });
        } finally {
          await subscription.close();
        }
      });
    });

    describe('readCanonicalLog', () => {
      test('reads the events with after < position <= upTo as the exact bytes their hash is over, and ends', async () => {
        const stream = streamId();
        const start = await store.headPosition();
        await store.append(stream, [fact('Noted', { text: 'Ñandú — 東京 🚀' }), fact(), fact(), fact('Noted', { n: 2 })], 'no_stream');
        const stored = await collect(store.readStream(stream));
        const everything = await collect(store.readCanonicalLog({ after: start }));
        expect(everything.map((event) => event.position)).toEqual(stored.map((event) => event.position));
        everything.forEach((event, index) => {
          expect(event.canonical.equals(canonicalBytes(stored[index] as RecordedEvent))).toBe(true);
          expect(event.eventHash).toBe(stored[index]?.eventHash);
        });
        const middle = await collect(store.readCanonicalLog({ after: stored[0]!.position, upTo: stored[2]!.position }));
        expect(middle.map((event) => event.position)).toEqual([stored[1]!.position, stored[2]!.position]);
        expect(await collect(store.readCanonicalLog({ after: stored[3]!.position }))).toEqual([]);
      });
    });

    test('concurrent writers: a live subscriber sees every committed event exactly once, in position order', async () => {
      const WRITERS = 8;
      const APPENDS_PER_WRITER = 300;
      const prefix = streamPrefix();
      const shared = range(3).map((index) => `${prefix}-shared-${index}`);
      const finish = `${prefix}-zz-finish`;
      const start = await store.headPosition();

      const seen: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({ after: start, filter: { streamPrefix: prefix } });
      const reading = (async () => {
        for await (const event of subscription) {
          seen.push(event);
          if (event.streamId === finish) return;
        }
      })();

      const writers = await Promise.all(range(WRITERS).map(() => subject.open()));
      const committed: string[] = [];
      let conflicts = 0;
      try {
        await Promise.all(
          writers.map(async (writer, w) => {
            const own = `${prefix}-writer-${w}`;
            let ownRevision: ExpectedRevision = 'no_stream';
            for (let i = 0; i < APPENDS_PER_WRITER; i++) {
              const batch = range(1 + ((i + w) % 3)).map(() => fact('Tested', { w, i }));
              const target = shared[(i + w) % shared.length] as string;
              if (i % 4 === 0) {
                ownRevision = (await writer.append(own, batch, ownRevision)).nextExpectedRevision;
              } else if (i % 4 === 1) {
                await writer.append(target, batch, 'any');
              } else {
                // Read, decide, append with the revision read: the loser of a race gets a conflict and retries.
                for (;;) {
                  const [last] = await collect(writer.readStream(target, { direction: 'backwards', maxCount: 1 }));
                  try {
                    await writer.append(target, batch, last ? last.streamRevision : 'no_stream');
                    break;
                  } catch (error) {
                    if (!(error instanceof WrongExpectedRevisionError)) throw error;
                    conflicts += 1;
                  }
                }
              }
              committed.push(...batch.map((event) => event.eventId));
            }
          }),
        );
      } finally {
        await Promise.all(writers.map((writer) => writer.close()));
      }
      await store.append(finish, [fact('Finished')], 'no_stream');
      await reading;
      await subscription.close();

      expect(conflicts).toBeGreaterThan(0);
      const delivered = seen.slice(0, -1).map((event) => event.eventId);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect([...delivered].sort()).toEqual([...committed].sort());
      expectIncreasing(seen.map((event) => event.position));
      if (subject.densePositions) {
        expect(seen.map((event) => event.position)).toEqual(range(committed.length + 1).map((i) => start + 1 + i));
        expect(await store.headPosition()).toBe(start + committed.length + 1);
      }
      for (const stream of [...shared, ...range(WRITERS).map((w) => `${prefix}-writer-${w}`)]) {
        const events = await collect(store.readStream(stream));
        expect(events.map((event) => event.streamRevision)).toEqual(range(events.length));
        events.forEach((event, index) => {
          expect(event.prevEventHash).toBe(index === 0 ? NO_PREVIOUS_HASH : events[index - 1]?.eventHash);
        });
      }
    });
  });
}

/** A new event with a fresh id (no personal data). */
export function fact(type = 'Tested', data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    occurredAt: '2024-05',
    data,
    metadata: { actor: 'caseworker-7', organisationId: 'org-1', correlationId: randomUUID(), causationId: null },
  };
}

function streamPrefix(): string {
  return `contract${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export function streamId(): string {
  return `journey-${randomUUID()}`;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function revisions(store: EventStore, stream: string, options?: Parameters<EventStore['readStream']>[1]): Promise<number[]> {
  return (await collect(store.readStream(stream, options))).map((event) => event.streamRevision);
}

async function take<T>(events: AsyncIterator<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  while (taken.length < count) {
    const next = await events.next();
    if (next.done) throw new Error(`The subscription ended after ${taken.length} of ${count} events`);
    taken.push(next.value);
  }
  return taken;
}

async function expectConflict(append: Promise<unknown>, expected: ExpectedRevision, actual: number | 'no_stream'): Promise<void> {
  await expect(append).rejects.toThrow(WrongExpectedRevisionError);
  await expect(append).rejects.toMatchObject({ expected, actual });
}

function expectIncreasing(positions: number[]): void {
  positions.forEach((position, index) => {
    if (index > 0) expect(position).toBeGreaterThan(positions[index - 1] as number);
  });
}
