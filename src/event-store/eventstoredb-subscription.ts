import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import type { Subscription } from './event-store';

/**
 * A catch-up subscription to EventStoreDB's $all as the port's Subscription. The server catches up then goes
 * live on one gRPC call; `keep` turns what it sends into the port's events (undefined: skipped). close() cancels
 * the call and ends the iteration, also one that is waiting for the next live event.
 */
export class EventStoreDbSubscription<T> implements Subscription<T> {
  private iterator?: AsyncGenerator<T>;
  private closed = false;
  private stop!: () => void;
  /** Settles when close() is called: raced against the next event, so a waiting iteration ends at once. */
  private readonly closing = new Promise<IteratorReturnResult<undefined>>((resolve) => {
    this.stop = () => resolve({ done: true, value: undefined });
  });

  constructor(
    private readonly subscribe: () => AllStreamSubscription,
    private readonly keep: (resolved: AllStreamResolvedEvent) => T | undefined,
    private readonly onEnd: (subscription: EventStoreDbSubscription<T>) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncGenerator<T> {
    this.iterator ??= this.follow();
    return this.iterator;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    await this.iterator?.return(undefined);
    this.onEnd(this);
  }

  private async *follow(): AsyncGenerator<T> {
    if (this.closed) return;
    const source = this.subscribe();
    const received = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await Promise.race([received.next(), this.closing]);
        if (next.done) return;
        const event = this.keep(next.value);
        if (event) yield event;
      }
    } finally {
      // Cancelling a call that never connected fails too; the iteration's own error is the one worth reporting.
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
      this.onEnd(this);
    }
  }
}
