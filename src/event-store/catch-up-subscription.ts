import { setTimeout as sleep } from 'node:timers/promises';
import type { Subscription } from './event-store';
import type { AppendNotifications } from './append-notifications';

/** One read of the global log: events after a position, and the position the reader has now seen up to. */
export interface LogPage<T> {
  events: T[];
  /** Every event at or before this position was either returned or filtered out. */
  seenUpTo: number;
}

/** The next page after a position, of at most `limit` events (as RecordedEvents, or as canonical bytes). */
export type ReadLogPage<T> = (after: number, limit: number) => Promise<LogPage<T>>;

/**
 * Catch-up then live over the global log: reads pages until a short page says it is caught up, then waits for
 * an append notification (or the poll interval), or, given `pollEveryMs`, just that long, and reads again. Since
 * positions are given out in commit order, "after the last position seen" never skips an event.
 */
export class CatchUpSubscription<T> implements Subscription<T> {
  private readonly closing = new AbortController();
  private iterator?: AsyncGenerator<T>;

  constructor(
    private readonly readPage: ReadLogPage<T>,
    private readonly notifications: AppendNotifications,
    private readonly from: { after: number; batchSize: number; pollEveryMs?: number },
    private readonly onEnd: (subscription: CatchUpSubscription<T>) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncGenerator<T> {
    this.iterator ??= this.follow();
    return this.iterator;
  }

  /** Ends the iteration (a pending `next()` resolves as done) and gives back the listening connection. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.iterator?.return(undefined);
    this.onEnd(this);
  }

  private async *follow(): AsyncGenerator<T> {
    const { batchSize, pollEveryMs } = this.from;
    const cancel = this.closing.signal;
    const listening = pollEveryMs === undefined;
    // Listen before the first read, so an append committed right after a read still wakes us.
    if (listening) await this.notifications.attach();
    try {
      let after = this.from.after;
      while (!cancel.aborted) {
        const page = await this.readPage(after, batchSize);
        for (const event of page.events) {
          if (cancel.aborted) return;
          yield event;
        }
        after = page.seenUpTo;
        if (page.events.length === batchSize) continue;
        if (listening) await this.notifications.waitForAppendAfter(after, cancel);
        else await sleep(pollEveryMs, undefined, { signal: cancel }).catch(() => undefined); // cut short by close()
      }
    } finally {
      if (listening) await this.notifications.detach();
      this.onEnd(this);
    }
  }
}
