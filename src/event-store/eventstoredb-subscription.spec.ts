import { AccessDeniedError, CancelledError, NotLeaderError, UnavailableError } from '@eventstore/db-client';
import { fact } from '../../test/contract/event-store.contract';
import { FakeEventStoreDb } from '../../test/support/fake-eventstoredb-client';
import type { RecordedEvent } from './event-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import type { Retries } from './eventstoredb-retry';

/**
 * Catch-up subscriptions over a dropped connection, their gRPC client's calls answered by a stand-in for the server
 * (test/support/fake-eventstoredb-client.ts): each drop is the client's own error class, as the client reports it.
 */
const QUICK: Retries = {
  calls: { retries: 3, firstDelayMs: 1, maxDelayMs: 4 },
  subscriptions: { retries: Infinity, firstDelayMs: 1, maxDelayMs: 4 },
};

describe('EventStoreDbEventStore subscriptions on its client', () => {
  let server: FakeEventStoreDb;
  let store: EventStoreDbEventStore;
  let prefix: string;

  beforeEach(() => {
    server = new FakeEventStoreDb();
    store = new EventStoreDbEventStore(server.client(), QUICK);
    prefix = `followed${Math.random().toString(36).slice(2)}`;
  });

  afterEach(async () => {
    await store.close();
  });

  async function appendEach(count: number): Promise<string[]> {
    const written = Array.from({ length: count }, () => fact());
    for (const [index, event] of written.entries()) await store.append(`${prefix}-${index % 3}`, [event], 'any');
    return written.map((event) => event.eventId);
  }

  function subscribedFrom(): unknown[] {
    return server.calls.filter(({ call }) => call === 'subscribeToAll').map(({ options }) => (options as { fromPosition: unknown }).fromPosition);
  }

  test('a drop while catching up resubscribes after the last position delivered: nothing lost, nothing twice', async () => {
    const written = await appendEach(10);
    server.failNext('subscribeToAll', new UnavailableError(), { afterItems: 4 });
    const subscription = store.subscribeToAll({ filter: { streamPrefix: prefix } });
    try {
      const delivered = await take(subscription, 10);
      expect(delivered.map((event) => event.eventId)).toEqual(written);
      const fourth = BigInt((delivered[3] as RecordedEvent).position);
      expect(subscribedFrom()).toEqual(['start', { commit: fourth, prepare: fourth }]);
    } finally {
      await subscription.close();
    }
  });

  test('drops while live (node gone, leader changed, call cancelled by the server) are each followed by a resubscription', async () => {
    const subscription = store.subscribeToAll({ filter: { streamPrefix: prefix } });
    try {
      const events = subscription[Symbol.asyncIterator]();
      const delivered: RecordedEvent[] = [];
      const written: string[] = [];
      for (const drop of [new UnavailableError(), notLeader(), new CancelledError()]) {
        const next = take(events, 2);
        written.push(...(await appendEach(2)));
        delivered.push(...(await next));
        await waitFor(() => server.liveSubscriptions === 1);
        server.dropSubscriptions(drop);
      }
      const last = take(events, 1);
      written.push(...(await appendEach(1)));
      delivered.push(...(await last));
      expect(delivered.map((event) => event.eventId)).toEqual(written);
      expect(subscribedFrom()).toHaveLength(4);
    } finally {
      await subscription.close();
    }
  });

  test('events appended while it was disconnected come once it is back', async () => {
    server.failNext('subscribeToAll', new UnavailableError());
    server.failNext('subscribeToAll', new UnavailableError());
    server.failNext('subscribeToAll', new UnavailableError());
    const subscription = store.subscribeToAll({ filter: { streamPrefix: prefix } });
    try {
      const pending = take(subscription, 4);
      const written = await appendEach(4);
      expect((await pending).map((event) => event.eventId)).toEqual(written);
    } finally {
      await subscription.close();
    }
  });

  test('any other error ends the iteration with that error, after the events before it', async () => {
    const written = await appendEach(3);
    server.failNext('subscribeToAll', new AccessDeniedError(), { afterItems: 2 });
    const subscription = store.subscribeToAll({ filter: { streamPrefix: prefix } });
    const delivered: string[] = [];
    const iterating = (async () => {
      for await (const event of subscription) delivered.push(event.eventId);
    })();
    await expect(iterating).rejects.toThrow(AccessDeniedError);
    expect(delivered).toEqual(written.slice(0, 2));
    expect(subscribedFrom()).toHaveLength(1);
    expect(server.liveSubscriptions).toBe(0);
  });

  test('the Merkle log follows $all across a drop: canonical events in position order, none twice', async () => {
    server.writeSystemEvent();
    const before = await appendEach(5);
    server.failNext('subscribeToAll', new UnavailableError(), { afterItems: 3 });
    const subscription = store.subscribeToCanonicalLog();
    try {
      const events = subscription[Symbol.asyncIterator]();
      const caughtUp = await take(events, 5);
      const pending = take(events, 2);
      const after = await appendEach(2);
      const all = [...caughtUp, ...(await pending)];
      const ids = all.map((event) => (JSON.parse(event.canonical.toString('utf8')) as { eventId: string }).eventId);
      expect(ids).toEqual([...before, ...after]);
      all.forEach((event, index) => index > 0 && expect(event.position).toBeGreaterThan(all[index - 1]?.position as number));
      expect(subscribedFrom()[0]).toBe('start');
    } finally {
      await subscription.close();
    }
  });

  test('close() ends an iteration waiting to reconnect, and no call is left open', async () => {
    for (let i = 0; i < 50; i++) server.failNext('subscribeToAll', new UnavailableError());
    const slow = new EventStoreDbEventStore(server.client(), { ...QUICK, subscriptions: { retries: Infinity, firstDelayMs: 60_000, maxDelayMs: 60_000 } });
    const subscription = slow.subscribeToAll();
    const waiting = subscription[Symbol.asyncIterator]().next();
    await waitFor(() => subscribedFrom().length === 1);
    const started = Date.now();
    await subscription.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1_000);
    await slow.close();
    expect(server.liveSubscriptions).toBe(0);
  });
});

async function take<T>(events: AsyncIterable<T> | AsyncIterator<T>, count: number): Promise<T[]> {
  const iterator = Symbol.asyncIterator in events ? events[Symbol.asyncIterator]() : events;
  const taken: T[] = [];
  while (taken.length < count) {
    const next = await iterator.next();
    if (next.done) throw new Error(`The subscription ended after ${taken.length} of ${count} events`);
    taken.push(next.value);
  }
  return taken;
}

/** The client's error when the node it reached is no longer the leader: the cluster names the new one. */
function notLeader(): NotLeaderError {
  const leader = { 'leader-endpoint-host': 'node2.eventstore', 'leader-endpoint-port': '2113' };
  return new NotLeaderError({ code: 5, details: 'Leader info available', message: 'Not leader', metadata: { getMap: () => leader } } as never);
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}
