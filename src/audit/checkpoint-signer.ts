import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../database/transaction';
import { openCheckpoint, signCheckpoint, type Checkpoint } from '../integrity/checkpoint';
import { verifyConsistency } from '../integrity/merkle';
import { parseVerifierKey, type NoteSigner } from '../integrity/signed-note';
import type { MerkleLog } from './merkle-log';

/** A tree of the log and a checkpoint it signed are not one log: the larger does not extend the smaller. */
export class InconsistentCheckpointError extends Error {
  constructor(
    readonly signedSize: number,
    readonly size: number,
  ) {
    super(`Refusing to sign size ${size}: it is not consistent with the signed checkpoint of size ${signedSize}`);
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
 * consistency proof from the stored nodes, that the tree extends the one in the last signed note, or for a size
 * signed on demand, that it sits between its signed neighbours (whose own signatures are checked first, so a
 * rewritten row cannot vouch for a rewritten tree).
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
    return this.underSigningLock(async (client) => {
      const last = await this.lastSigned(client);
      const { size } = await this.log.head();
      const rootHash = await this.log.rootHash(size);
      if (last) {
        await this.assertConsistent(this.opened(last), { size, rootHash });
        if (size === last.size) return last;
      }
      return this.store(client, size, rootHash);
    });
  }

  /**
   * The checkpoint of exactly `size` leaves (at most the log's size), signed now if none was: then only once the
   * tree of that size is shown to extend the nearest smaller signed one and to be extended by the nearest larger
   * one. Ed25519 signatures are deterministic, so the note is the same whenever it is signed.
   */
  async signAt(size: number): Promise<SignedCheckpoint> {
    return (
      (await this.atSize(size)) ??
      this.underSigningLock(async (client) => {
        const signed = await signedAt(client, size);
        if (signed) return signed;
        const rootHash = await this.log.rootHash(size);
        const { rows } = await client.query<CheckpointRow>(
          `(SELECT tree_size, note, signed_at FROM signed_checkpoints WHERE tree_size < $1 ORDER BY tree_size DESC LIMIT 1)
         UNION ALL
         (SELECT tree_size, note, signed_at FROM signed_checkpoints WHERE tree_size > $1 ORDER BY tree_size LIMIT 1)`,
          [size],
        );
        for (const neighbour of rows) await this.assertConsistent(this.opened(signedCheckpoint(neighbour)), { size, rootHash });
        return this.store(client, size, rootHash);
      })
    );
  }

  /** The latest signed checkpoint (GET /audit/checkpoint). */
  latest(): Promise<SignedCheckpoint | undefined> {
    return this.lastSigned(this.pool);
  }

  /** The checkpoint signed at exactly this size, if any (GET /audit/checkpoints?size=N). */
  atSize(size: number): Promise<SignedCheckpoint | undefined> {
    return signedAt(this.pool, size);
  }

  private async lastSigned(db: Pick<Pool, 'query'>): Promise<SignedCheckpoint | undefined> {
    const { rows } = await db.query<CheckpointRow>('SELECT tree_size, note, signed_at FROM signed_checkpoints ORDER BY tree_size DESC LIMIT 1');
    return rows[0] && signedCheckpoint(rows[0]);
  }

  /** Signing is serialised across processes: two signers must not both decide what the signed checkpoints are. */
  private underSigningLock<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_LOCK]);
      return work(client);
    });
  }

  /** A stored note opened with our own key, its signature checked. */
  private opened(checkpoint: SignedCheckpoint): Checkpoint {
    return openCheckpoint(checkpoint.note, parseVerifierKey(this.signer.verifierKey));
  }

  /**
   * Proves, from the stored nodes, that a signed checkpoint and a tree of the log are one log, the larger extending
   * the smaller; else refuses. A signed tree larger than the log is not one either: the log lost leaves it signed.
   */
  private async assertConsistent(signed: TreeHead, tree: TreeHead): Promise<void> {
    const [smaller, larger] = signed.size <= tree.size ? [signed, tree] : [tree, signed];
    const proof = larger.size <= (await this.log.head()).size ? await this.log.consistencyProof(smaller.size, larger.size) : undefined;
    if (!proof || !verifyConsistency(smaller.size, larger.size, proof, smaller.rootHash, larger.rootHash)) {
      throw new InconsistentCheckpointError(signed.size, tree.size);
    }
  }

  private async store(client: PoolClient, size: number, rootHash: Buffer): Promise<SignedCheckpoint> {
    const note = signCheckpoint({ origin: this.origin, size, rootHash }, this.signer);
    const { rows } = await client.query<{ signed_at: Date }>('INSERT INTO signed_checkpoints (tree_size, note) VALUES ($1, $2) RETURNING signed_at', [
      size,
      note,
    ]);
    return { size, note, signedAt: rows[0]?.signed_at as Date };
  }
}

type TreeHead = Pick<Checkpoint, 'size' | 'rootHash'>;

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

async function signedAt(db: Pick<Pool, 'query'>, size: number): Promise<SignedCheckpoint | undefined> {
  const { rows } = await db.query<CheckpointRow>('SELECT tree_size, note, signed_at FROM signed_checkpoints WHERE tree_size = $1', [size]);
  return rows[0] && signedCheckpoint(rows[0]);
}
