import { commitPosition, safePosition, type AllStreamResolvedEvent, type AllStreamSubscription, type Position } from './eventstoredb-client';
import type { Subscription } from './event-store';
import { backOff, isTransient, type RetryPolicy } from './eventstoredb-retry';

/** Opens one catch-up subscription call to $all after a position; `checkpoint` hears the filter's checkpoints. */
export type SubscribeToAll = (after: number, checkpoint: (position: Position) => void) => AllStreamSubscription;

export interface FollowOptions {
  /** Exclusive: the events after this position. */
  after: number;
  /**
   * A finite read: the last position to deliver. The iteration ends once the server has gone past it (an event or
   * a filter checkpoint beyond it) or says it has caught up; without it, the subscription follows live appends.
   */
  endAt?: number;
  retry: RetryPolicy;
}

/**
 * A catch-up subscription to EventStoreDB's $all as the port's Subscription. The server catches up then goes live
 * on one gRPC call; `keep` turns what it sends into the port's events (undefined: skipped). When the call fails
 * with a transient error (the node restarts, the leader changes) or ends unasked, it subscribes again after the
 * last position it delivered, after a bounded back-off: nothing is lost and nothing comes twice. Any other error
 * ends the iteration with that error. close() cancels the call and ends the iteration, also one that is waiting for
 * the next live event or for a reconnection.
 */
export class EventStoreDbSubscription<T extends { position: number }> implements Subscription<T> {
  private iterator?: AsyncGenerator<T>;
  private readonly closing = new AbortController();
  /** Settles when close() is called: raced against the next delivery, so a waiting iteration ends at once. */
  private readonly closed = new Promise<typeof CLOSED>((resolve) => {
    this.closing.signal.addEventListener('abort', () => resolve(CLOSED));
  });

  constructor(
    private readonly subscribe: SubscribeToAll,
    private readonly keep: (resolved: AllStreamResolvedEvent) => T | undefined,
    private readonly options: FollowOptions,
    private readonly onEnd: (subscription: EventStoreDbSubscription<T>) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncGenerator<T> {
    this.iterator ??= this.follow();
    return this.iterator;
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.iterator?.return(undefined);
    this.onEnd(this);
  }

  private async *follow(): AsyncGenerator<T> {
    const { endAt, retry: policy } = this.options;
    let after = this.options.after;
    try {
      for (let retry = 1; !this.closing.signal.aborted; retry++) {
        const deliveries = new Deliveries();
        const source = this.subscribe(after, (position) => deliveries.checkpoint(position));
        deliveries.listen(source);
        try {
          for (;;) {
            const next = await Promise.race([deliveries.next(), this.closed]);
            if (next === CLOSED) return;
            if (next === undefined) throw new DroppedError();
            retry = 1;
            if ('caughtUp' in next) {
              if (endAt !== undefined) return;
            } else if ('scannedTo' in next) {
              if (endAt !== undefined && next.scannedTo >= endAt) return;
            } else {
              const position = next.event.event ? commitPosition(next.event.event) : after;
              if (endAt !== undefined && position > endAt) return;
              const event = position > after ? this.keep(next.event) : undefined;
              if (event) {
                yield event;
                after = event.position;
              }
              if (endAt !== undefined && position >= endAt) return;
            }
          }
        } catch (error) {
          if (!(isTransient(error) || error instanceof DroppedError) || retry > policy.retries) throw error;
        } finally {
          // Cancelling a call that never connected fails too; the iteration's own error is the one worth reporting.
          await source.unsubscribe().catch(() => undefined);
          source.destroy();
        }
        await backOff(retry, policy, this.closing.signal);
      }
    } finally {
      this.onEnd(this);
    }
  }
}

const CLOSED = Symbol('closed');

/** The server ended a subscription call that should have gone on: a drop like any other. */
class DroppedError extends Error {
  constructor() {
    super('EventStoreDB ended the subscription');
    this.name = 'DroppedError';
  }
}

type Delivery = { event: AllStreamResolvedEvent } | { caughtUp: true } | { scannedTo: number };

/**
 * What one subscription call delivers, in the order the server sent it. The client hands events over as a stream
 * but reports "caught up" and filter checkpoints as they arrive, possibly before the events sent ahead of them
 * are read: so a signal is reported only once the events buffered before it are.
 */
class Deliveries {
  private source?: AllStreamSubscription;
  private failure?: { error: unknown };
  private ended = false;
  private caughtUp = false;
  private scannedTo?: number;
  private wake = (): void => undefined;

  listen(source: AllStreamSubscription): void {
    this.source = source;
    const notify = () => this.wake();
    source.on('readable', notify);
    source.on('caughtUp', () => {
      this.caughtUp = true;
      notify();
    });
    source.on('error', (error) => {
      this.failure ??= { error };
      notify();
    });
    const ended = () => {
      this.ended = true;
      notify();
    };
    source.on('end', ended);
    source.on('close', ended);
  }

  checkpoint(position: Position): void {
    this.scannedTo = safePosition(position.commit, 'A filter checkpoint');
    this.wake();
  }

  /** The next delivery; undefined once the call has ended. Throws the call's error once the events before it are read. */
  async next(): Promise<Delivery | undefined> {
    for (;;) {
      const event = this.source?.read() as AllStreamResolvedEvent | null | undefined;
      if (event) return { event };
      if (this.failure) throw this.failure.error;
      if (this.caughtUp) {
        this.caughtUp = false;
        return { caughtUp: true };
      }
      if (this.scannedTo !== undefined) {
        const scannedTo = this.scannedTo;
        this.scannedTo = undefined;
        return { scannedTo };
      }
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
