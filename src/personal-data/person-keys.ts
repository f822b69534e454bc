import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DB_POOL } from '../database/database.module';
import { KEY_ENCRYPTION_KEY, type KeyEncryptionKey } from './key-encryption-key';

export interface DataKey {
  keyId: string;
  key: Buffer;
}

/** Unwrapped keys kept in memory, so that a KMS is not asked on every read; bounded. */
const CACHE_LIMIT = 10_000;

/**
 * Each person's data key, wrapped by the key-encryption key, in `person_data_keys` (never in events, so that it
 * can be destroyed). Every use reads the wrapped row: a key destroyed by any replica stops working everywhere at
 * once, and the cache only saves the unwrap.
 */
@Injectable()
export class PersonKeys {
  private readonly unwrapped = new Map<string, DataKey>();

  constructor(@Inject(DB_POOL) private readonly pool: Pool, @Inject(KEY_ENCRYPTION_KEY) private readonly kek: KeyEncryptionKey) {}

  /** The person's data key, made on first use. */
  async forWriting(personId: string): Promise<DataKey> {
    const existing = await this.forReading(personId);
    if (existing) return existing;
    const key = randomBytes(32);
    const wrapped = await this.kek.wrap(key, wrapContext(personId));
    await this.pool.query(
      `INSERT INTO person_data_keys (person_id, key_id, kek_id, wrapped_key) VALUES ($1, $2, $3, $4) ON CONFLICT (person_id) DO NOTHING`,
      [personId, randomUUID(), this.kek.id, wrapped],
    );
    // A concurrent first write may have won: everyone uses the row that is stored.
    const stored = await this.forReading(personId);
    if (!stored) throw new Error('The data key was destroyed while it was being made');
    return stored;
  }

  /** The person's data key, or undefined when they have none (never recorded, or destroyed by erasure). */
  async forReading(personId: string): Promise<DataKey | undefined> {
    const { rows } = await this.pool.query<{ key_id: string; wrapped_key: Buffer }>(
      'SELECT key_id, wrapped_key FROM person_data_keys WHERE person_id = $1',
      [personId],
    );
    if (rows.length === 0) {
      this.unwrapped.delete(personId);
      return undefined;
    }
    const cached = this.unwrapped.get(personId);
    if (cached?.keyId === rows[0].key_id) return cached;
    const dataKey = { keyId: rows[0].key_id, key: await this.kek.unwrap(rows[0].wrapped_key, wrapContext(personId)) };
    this.unwrapped.set(personId, dataKey);
    if (this.unwrapped.size > CACHE_LIMIT) this.unwrapped.delete(this.unwrapped.keys().next().value as string);
    return dataKey;
  }

  /** Crypto-shredding: the wrapped key row and the cached key are gone; whatever it encrypted is noise from now on. */
  async destroy(personId: string): Promise<void> {
    this.unwrapped.delete(personId);
    await this.pool.query('DELETE FROM person_data_keys WHERE person_id = $1', [personId]);
  }

  /** Whether this process holds the person's unwrapped key (for the erasure spec). */
  holdsInMemory(personId: string): boolean {
    return this.unwrapped.has(personId);
  }
}

function wrapContext(personId: string): string {
  return `journey-ledger/data-key/v1\u001f${personId}`;
}
