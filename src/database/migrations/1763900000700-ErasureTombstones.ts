import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A destroyed data key leaves a tombstone in its row (when, on which basis, asked by whom), instead of no row: no
 * key can be made again for an erased person, and a start-up check finds an erasure whose key is gone but whose
 * PersonalDataErased event was never appended (a crash in between), and appends it.
 */
export class ErasureTombstones1763900000700 implements MigrationInterface {
  name = 'ErasureTombstones1763900000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE person_data_keys
        ALTER COLUMN key_id DROP NOT NULL,
        ALTER COLUMN kek_id DROP NOT NULL,
        ALTER COLUMN wrapped_key DROP NOT NULL,
        ADD COLUMN destroyed_at        timestamptz,
        ADD COLUMN erasure_basis       text,
        ADD COLUMN erased_by           text,
        ADD COLUMN erased_for          text,
        ADD COLUMN erasure_recorded_at timestamptz,
        ADD CONSTRAINT person_data_keys_key_or_tombstone CHECK (
          (destroyed_at IS NULL AND key_id IS NOT NULL AND kek_id IS NOT NULL AND wrapped_key IS NOT NULL) OR
          (destroyed_at IS NOT NULL AND key_id IS NULL AND kek_id IS NULL AND wrapped_key IS NULL)
        )`);
    await queryRunner.query(
      `CREATE INDEX person_data_keys_unrecorded_erasures ON person_data_keys (person_id)
        WHERE destroyed_at IS NOT NULL AND erasure_recorded_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX person_data_keys_unrecorded_erasures`);
    await queryRunner.query(`DELETE FROM person_data_keys WHERE destroyed_at IS NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE person_data_keys
        DROP CONSTRAINT person_data_keys_key_or_tombstone,
        DROP COLUMN erasure_recorded_at,
        DROP COLUMN erased_for,
        DROP COLUMN erased_by,
        DROP COLUMN erasure_basis,
        DROP COLUMN destroyed_at,
        ALTER COLUMN wrapped_key SET NOT NULL,
        ALTER COLUMN kek_id SET NOT NULL,
        ALTER COLUMN key_id SET NOT NULL`);
  }
}
