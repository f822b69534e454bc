import type { AllFilter, AllSubscription, RecordedEvent } from './event-store';
import type { AppendNotifications } from './append-notifications';

/** One read of the global log: events after a position, and the position the reader has now seen up to. */
export interface LogPage {
  events: RecordedEvent[];
  /** Every event at or before this position was either returned or filtered out. */
  seenUpTo: number;
}

export type ReadLogPage = (after: number, filter: AllFilter | undefined, limit: number) => Promise<LogPage>;

/**
 * Catch-up then live over the global log: reads pages until a short page says it is caught up, then waits for
 * an append notification (or the poll interval) and reads again. Since positions are given out in commit order,
 * "after the last position seen" never skips an event.
 */
export class CatchUpSubscription implements AllSubscription {
  private readonly closing = new AbortController();
  private iterator?: AsyncGenerator<RecordedEvent>;

  constructor(
    private readonly readPage: ReadLogPage,
    private readonly notifications: AppendNotifications,
    private readonly from: { after: number; filter?: AllFilter; batchSize: number },
    private readonly onEnd: (subscription: CatchUpSubscription) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    this.iterator ??= this.follow();
    return this.iterator;
  }

  /** Ends the iteration (a pending `next()` resolves as done) and gives back the listening connection. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.iterator?.return(undefined);
    this.onEnd(this);
  }

  private async *follow(): AsyncGenerator<RecordedEvent> {
    const { filter, batchSize } = this.from;
    const cancel = this.closing.signal;
    // Listen before the first read, so an append committed right after a read still wakes us.
    await this.notifications.attach();
    try {
      let after = this.from.after;
      while (!cancel.aborted) {
        const page = await this.readPage(after, filter, batchSize);
        for (const event of page.events) {
          if (cancel.aborted) return;
          yield event;
        }
        after = page.seenUpTo;
        if (page.events.length < batchSize) await this.notifications.waitForAppendAfter(after, cancel);
      }
    } finally {
      await this.notifications.detach();
      this.onEnd(this);
    }
  }
}
