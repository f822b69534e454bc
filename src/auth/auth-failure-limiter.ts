const WINDOW_MS = 60_000;
/** Past this many clients, windows that ended are swept, so a spray of addresses cannot grow memory for ever. */
const SWEEP_ABOVE = 10_000;

/**
 * Counts failed authentications per client address in one-minute windows. Over the limit, the address's failing
 * requests are refused (429) until its window ends: guessing tokens gets slow, while a request with a valid token
 * still passes. In memory, per replica.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { startedAt: number; failures: number }>();

  constructor(
    private readonly failuresPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the client must wait, or 0 when it may try. */
  retryAfter(client: string): number {
    const window = this.windows.get(client);
    if (!window || this.now() - window.startedAt >= WINDOW_MS) return 0;
    if (window.failures < this.failuresPerMinute) return 0;
    return Math.ceil((window.startedAt + WINDOW_MS - this.now()) / 1000);
  }

  recordFailure(client: string): void {
    const now = this.now();
    const window = this.windows.get(client);
    if (window && now - window.startedAt < WINDOW_MS) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= SWEEP_ABOVE) {
      for (const [address, { startedAt }] of this.windows) if (now - startedAt >= WINDOW_MS) this.windows.delete(address);
    }
    this.windows.set(client, { startedAt: now, failures: 1 });
  }
}
