import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DB_POOL } from '../database/database.module';
import { JourneyRuleViolation, type ErasureBasis } from '../journey/domain';
import { KEY_ENCRYPTION_KEY, type KeyEncryptionKey } from './key-encryption-key';

export interface DataKey {
  keyId: string;
  key: Buffer;
}

/** Who asked for an erasure and why, kept with the destroyed key so that the erasure can be completed later. */
export interface ErasureRequest {
  personId: string;
  basis: ErasureBasis;
  /** Pseudonymous id of who asked. */
  actor: string;
  organisationId: string;
}

/** Unwrapped keys kept in memory, so that a KMS is not asked on every read; bounded. */
const CACHE_LIMIT = 10_000;

/**
 * Each person's data key, wrapped by the key-encryption key, in `person_data_keys` (never in events, so that it
 * can be destroyed). Every use reads the wrapped row: a key destroyed by any replica stops working everywhere at
 * once, and the cache only saves the unwrap. A destroyed key leaves a tombstone in its row, so no key is ever made
 * again for an erased person, whatever write races the erasure.
 */
@Injectable()
export class PersonKeys {
  private readonly unwrapped = new Map<string, DataKey>();

  constructor(
    @Inject(DB_POOL) private readonly pool: Pool,
    @Inject(KEY_ENCRYPTION_KEY) private readonly kek: KeyEncryptionKey,
  ) {}

  /** The person's data key, made on first use; refused once their personal data was erased. */
  async forWriting(personId: string): Promise<DataKey> {
    const existing = await this.forReading(personId);
    if (existing) return existing;
    const key = randomBytes(32);
    const wrapped = await this.kek.wrap(key, wrapContext(personId));
    await this.pool.query(`INSERT INTO person_data_keys (person_id, key_id, kek_id, wrapped_key) VALUES ($1, $2, $3, $4) ON CONFLICT (person_id) DO NOTHING`, [
      personId,
      randomUUID(),
      this.kek.id,
      wrapped,
    ]);
    // A concurrent first write may have won, or an erasure: everyone uses the row that is stored.
    const stored = await this.forReading(personId);
    if (!stored) throw new JourneyRuleViolation('personal_data_erased', "The person's personal data was erased");
    return stored;
  }

  /** The person's data key, or undefined when they have none (never recorded, or destroyed by erasure). */
  async forReading(personId: string): Promise<DataKey | undefined> {
    const { rows } = await this.pool.query<{ key_id: string; wrapped_key: Buffer }>(
      'SELECT key_id, wrapped_key FROM person_data_keys WHERE person_id = $1 AND wrapped_key IS NOT NULL',
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

  /**
   * Crypto-shredding: the wrapped key and the cached key are gone, a tombstone says who asked and why; whatever the
   * key encrypted is noise from now on. Asking again changes nothing (the first request is kept).
   */
  async destroy({ personId, basis, actor, organisationId }: ErasureRequest): Promise<void> {
    this.unwrapped.delete(personId);
    await this.pool.query(
      `INSERT INTO person_data_keys (person_id, destroyed_at, erasure_basis, erased_by, erased_for) VALUES ($1, now(), $2, $3, $4)
       ON CONFLICT (person_id) DO UPDATE SET key_id = NULL, kek_id = NULL, wrapped_key = NULL,
         destroyed_at = COALESCE(person_data_keys.destroyed_at, now()),
         erasure_basis = COALESCE(person_data_keys.erasure_basis, EXCLUDED.erasure_basis),
         erased_by = COALESCE(person_data_keys.erased_by, EXCLUDED.erased_by),
         erased_for = COALESCE(person_data_keys.erased_for, EXCLUDED.erased_for)`,
      [personId, basis, actor, organisationId],
    );
  }

  /** The log now says erased: the erasure is complete. */
  async erasureRecorded(personId: string): Promise<void> {
    await this.pool.query('UPDATE person_data_keys SET erasure_recorded_at = now() WHERE person_id = $1 AND erasure_recorded_at IS NULL', [personId]);
  }

  /** Erasures whose key is destroyed but whose PersonalDataErased event is not known to be in the log. */
  async unrecordedErasures(): Promise<ErasureRequest[]> {
    const { rows } = await this.pool.query<{ person_id: string; erasure_basis: ErasureBasis; erased_by: string; erased_for: string }>(
      `SELECT person_id, erasure_basis, erased_by, erased_for FROM person_data_keys
        WHERE destroyed_at IS NOT NULL AND erasure_recorded_at IS NULL ORDER BY destroyed_at`,
    );
    return rows.map((row) => ({ personId: row.person_id, basis: row.erasure_basis, actor: row.erased_by, organisationId: row.erased_for }));
  }

  /** Whether this process holds the person's unwrapped key (for the erasure spec). */
  holdsInMemory(personId: string): boolean {
    return this.unwrapped.has(personId);
  }
}

function wrapContext(personId: string): string {
  return `journey-ledger/data-key/v1\u001f${personId}`;
}
