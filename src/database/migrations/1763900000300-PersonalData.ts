import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Persons' wrapped data keys (src/personal-data/person-keys.ts): outside the event log, so that erasure can destroy
 * them. And the access log (src/access-log/): who read which person's record, when and why; append-only.
 */
export class PersonalData1763900000300 implements MigrationInterface {
  name = 'PersonalData1763900000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE person_data_keys (
        person_id   uuid        PRIMARY KEY,
        key_id      uuid        NOT NULL UNIQUE,
        kek_id      text        NOT NULL,
        wrapped_key bytea       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE access_log (
        id              bigserial   PRIMARY KEY,
        accessed_at     timestamptz NOT NULL DEFAULT now(),
        actor           text        NOT NULL,
        organisation_id text        NOT NULL,
        person_id       uuid        NOT NULL,
        resource        text        NOT NULL,
        purpose         text        NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX access_log_person_idx ON access_log (person_id, id)`);
    await queryRunner.query(`
      CREATE FUNCTION access_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'access_log is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
      FOR EACH STATEMENT EXECUTE FUNCTION access_log_is_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE access_log`);
    await queryRunner.query(`DROP FUNCTION access_log_is_append_only()`);
    await queryRunner.query(`DROP TABLE person_data_keys`);
  }
}
