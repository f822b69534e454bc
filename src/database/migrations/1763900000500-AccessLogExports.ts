import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access log also records every export of the whole ledger (src/access-log/): who, when, and the range of
 * leaves [range_from, range_to). An export is about no one person and states no purpose, so those columns become
 * optional, and a check keeps every row exactly one of the two kinds.
 */
export class AccessLogExports1763900000500 implements MigrationInterface {
  name = 'AccessLogExports1763900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE access_log
        ALTER COLUMN person_id DROP NOT NULL,
        ALTER COLUMN purpose DROP NOT NULL,
        ADD COLUMN range_from bigint,
        ADD COLUMN range_to bigint,
        ADD CONSTRAINT access_log_read_or_export CHECK (
          (person_id IS NOT NULL AND purpose IS NOT NULL AND range_from IS NULL AND range_to IS NULL)
          OR (person_id IS NULL AND purpose IS NULL AND range_from IS NOT NULL AND range_to IS NOT NULL)
        )`);
    await queryRunner.query(`CREATE INDEX access_log_organisation_idx ON access_log (organisation_id, id)`);
  }

  /** Refused while export entries exist: the older table cannot hold them, and the log is never deleted from. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM access_log WHERE person_id IS NULL) THEN
          RAISE EXCEPTION 'access_log holds export entries, which the previous schema cannot keep';
        END IF;
      END $$`);
    await queryRunner.query(`DROP INDEX access_log_organisation_idx`);
    await queryRunner.query(`
      ALTER TABLE access_log
        DROP CONSTRAINT access_log_read_or_export,
        DROP COLUMN range_to,
        DROP COLUMN range_from,
        ALTER COLUMN purpose SET NOT NULL,
        ALTER COLUMN person_id SET NOT NULL`);
  }
}
