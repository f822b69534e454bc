import type { Notification, Pool, PoolClient } from 'pg';

/** The channel `append_events` notifies (migration 1763900000000-EventLog) with the last position it wrote. */
const CHANNEL = 'journey_events';

/**
 * Wakes live subscriptions when an append commits: one LISTEN connection taken from the pool while at least one
 * subscription is live, released when the last one closes. Notifications are only a hint: subscribers always
 * re-read the log, and also wake every poll interval in case a notification was lost (e.g. a reconnect).
 */
export class AppendNotifications {
  /** The LISTEN connection while any subscription is live, and how to hand it back to the pool. */
  private listening?: { client: PoolClient; giveBack: (destroy: boolean) => void };
  private subscribers = 0;
  private latestPosition = 0;
  private readonly waiters = new Set<() => void>();
  /** Connects and disconnects happen one at a time, in call order. */
  private transitions: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly pollIntervalMs: number,
  ) {}

  async attach(): Promise<void> {
    this.subscribers += 1;
    try {
      await this.transition(() => this.listen());
    } catch (error) {
      this.subscribers -= 1;
      throw error;
    }
  }

  detach(): Promise<void> {
    this.subscribers -= 1;
    return this.transition(async () => {
      if (this.subscribers === 0) await this.unlisten();
    });
  }

  /** Resolves when an append past `position` is announced, a poll interval has passed, or `cancel` fires. */
  async waitForAppendAfter(position: number, cancel: AbortSignal): Promise<void> {
    if (!this.listening) await this.transition(() => this.listen()); // the listening connection was lost
    if (this.latestPosition > position || cancel.aborted) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        cancel.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, this.pollIntervalMs);
      this.waiters.add(wake);
      cancel.addEventListener('abort', wake);
    });
  }

  private transition(step: () => Promise<void>): Promise<void> {
    const run = this.transitions.then(step);
    this.transitions = run.catch(() => undefined);
    return run;
  }

  private async listen(): Promise<void> {
    if (this.listening || this.subscribers === 0) return;
    const client = await this.pool.connect();
    const onNotification = (message: Notification) => this.announce(Number(message.payload));
    const onError = () => {
      if (this.listening?.client !== client) return; // already back in the pool, which handles its idle clients' errors
      this.listening = undefined;
      giveBack(true);
    };
    // The connection goes back to the pool without this store's handlers: its next user must not carry them.
    const giveBack = (destroy: boolean) => {
      client.off('notification', onNotification);
      client.off('error', onError);
      client.release(destroy);
    };
    client.on('notification', onNotification);
    client.on('error', onError);
    try {
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      giveBack(true);
      throw error;
    }
    this.listening = { client, giveBack };
  }

  private async unlisten(): Promise<void> {
    const listening = this.listening;
    if (!listening) return;
    this.listening = undefined;
    try {
      await listening.client.query(`UNLISTEN ${CHANNEL}`);
      listening.giveBack(false);
    } catch {
      listening.giveBack(true);
    }
  }

  private announce(position: number): void {
    if (position > this.latestPosition) this.latestPosition = position;
    for (const wake of [...this.waiters]) wake();
  }
}
