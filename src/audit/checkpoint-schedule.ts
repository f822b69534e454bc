import { type CheckpointSigner, checkpointDue, type CheckpointPolicy, type SignedCheckpoint } from './checkpoint-signer';
import type { MerkleLogHead } from './merkle-log';

/**
 * Signs a checkpoint every N logged events or T seconds (`checkpointDue`), and on demand. It polls the builder's
 * in-memory head, which costs nothing, so the event-count trigger fires within one tick of the log reaching it.
 * A failed signing (an inconsistent tree is an alarm, not a glitch) is reported, then retried only after T.
 */
export class CheckpointSchedule {
  private last?: SignedCheckpoint;
  private timer?: NodeJS.Timeout;
  private signing?: Promise<unknown>;
  private retryAt = 0;

  constructor(
    private readonly signer: CheckpointSigner,
    private readonly logHead: () => MerkleLogHead,
    private readonly policy: CheckpointPolicy,
    private readonly onError: (error: Error) => void,
    private readonly tickMs = 250,
  ) {}

  async start(): Promise<void> {
    this.last = await this.signer.latest();
    this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.signing?.catch(() => undefined);
  }

  /** Signs over everything the log holds now; the last note again if nothing was logged since. */
  async signNow(): Promise<SignedCheckpoint> {
    const signed = await this.signer.sign();
    if (!this.last || signed.size > this.last.size) this.last = signed;
    return signed;
  }

  private tick(): void {
    const now = new Date();
    if (this.signing || now.getTime() < this.retryAt) return;
    if (!checkpointDue(this.last, this.logHead().size, now, this.policy)) return;
    this.signing = this.signNow()
      .catch((error: Error) => {
        this.retryAt = now.getTime() + this.policy.everyMs;
        this.onError(error);
      })
      .finally(() => {
        this.signing = undefined;
      });
  }
}
