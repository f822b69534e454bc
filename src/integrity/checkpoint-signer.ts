import type { Pool } from 'pg';
import { inTransaction } from '../database/transaction';
import { openCheckpoint, signCheckpoint } from './checkpoint';
import type { MerkleLog } from './merkle-log';
import { verifyConsistency } from './merkle';
import { parseVerifierKey, type NoteSigner } from './signed-note';

/** The log's current tree is not an extension of the tree of the last checkpoint it signed. */
export class InconsistentCheckpointError extends Error {
  constructor(
    readonly lastSignedSize: number,
    readonly size: number,
  ) {
    super(`Refusing to sign size ${size}: it is not consistent with the signed checkpoint of size ${lastSignedSize}`);
    this.name = 'InconsistentCheckpointError';
  }
}

export interface SignedCheckpoint {
  size: number;
  /** The C2SP signed note, served as text/plain. */
  note: string;
  signedAt: Date;
}

export interface CheckpointPolicy {
  /** Sign once this many events were logged since the last checkpoint. */
  everyEvents: number;
  /** Sign once this long has passed since the last checkpoint, if anything was logged. */
  everyMs: number;
}

/** Whether a scheduler should sign now. */
export function checkpointDue(last: SignedCheckpoint | undefined, size: number, now: Date, policy: CheckpointPolicy): boolean {
  if (!last) return size > 0;
  if (size <= last.size) return false;
  return size - last.size >= policy.everyEvents || now.getTime() - last.signedAt.getTime() >= policy.everyMs;
}

// Serialises signers across processes: two must not both decide what "the last signed checkpoint" is.
const SIGNING_LOCK = 0x6a6c6370; // "jlcp"

/**
 * Signs checkpoints of the Merkle log and keeps them (`signed_checkpoints`). Before signing it proves, with a
 * consistency proof from the stored nodes, that the tree extends the one in the last signed note (whose own
 * signature is checked first, so a rewritten row cannot vouch for a rewritten tree).
 */
export class CheckpointSigner {
  constructor(
    private readonly pool: Pool,
    private readonly log: MerkleLog,
    private readonly signer: NoteSigner,
    private readonly origin: string,
  ) {}

  /** The C2SP verifier key auditors need, as GET /audit/public-key serves it. */
  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  /** Signs the log as it is now (returns the last note unchanged if nothing was logged since). */
  async sign(): Promise<SignedCheckpoint> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_LOCK]);
      const last = await this.lastSigned(client);
      const { size } = await this.log.head();
      const rootHash = await this.log.rootHash(size);
      if (last) {
        const previous = openCheckpoint(last.note, parseVerifierKey(this.signer.verifierKey));
        const proof = size >= previous.size ? await this.log.consistencyProof(previous.size, size) : [];
        if (size < previous.size || !verifyConsistency(previous.size, size, proof, previous.rootHash, rootHash)) {
          throw new InconsistentCheckpointError(previous.size, size);
        }
        if (size === previous.size) return last;
      }
      const note = signCheckpoint({ origin: this.origin, size, rootHash }, this.signer);
      const { rows } = await client.query<{ signed_at: Date }>(
        'INSERT INTO signed_checkpoints (tree_size, note) VALUES ($1, $2) RETURNING signed_at',
        [size, note],
      );
      return { size, note, signedAt: rows[0]?.signed_at as Date };
    });
  }

  /** The latest signed checkpoint (GET /audit/checkpoint). */
  latest(): Promise<SignedCheckpoint | undefined> {
    return this.lastSigned(this.pool);
  }

  /** The checkpoint signed at exactly this size, if any (GET /audit/checkpoints?size=N). */
  async atSize(size: number): Promise<SignedCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(
      'SELECT tree_size, note, signed_at FROM signed_checkpoints WHERE tree_size = $1',
      [size],
    );
    return rows[0] && signedCheckpoint(rows[0]);
  }

  private async lastSigned(db: Pick<Pool, 'query'>): Promise<SignedCheckpoint | undefined> {
    const { rows } = await db.query<CheckpointRow>(
      'SELECT tree_size, note, signed_at FROM signed_checkpoints ORDER BY tree_size DESC LIMIT 1',
    );
    return rows[0] && signedCheckpoint(rows[0]);
  }
}

interface CheckpointRow {
  tree_size: string;
  note: string;
  signed_at: Date;
}

const signedCheckpoint = (row: CheckpointRow): SignedCheckpoint => ({
  size: Number(row.tree_size),
  note: row.note,
  signedAt: row.signed_at,
});
