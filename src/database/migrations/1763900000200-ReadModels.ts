import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read models of projections/ and the runner's checkpoints (src/projections/). Indexes are left for
 * PostgreSQL to name: a rebuild copies them onto its fresh table and renames them back on swap, by prefix.
 * Dates in the world (`occurred_at`) keep their precision as text (`YYYY-MM` or `YYYY-MM-DD`, which sorts right);
 * `occurred_on` is the first day they can mean, for range filters.
 */
export class ReadModels1763900000200 implements MigrationInterface {
  name = 'ReadModels1763900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name       text        PRIMARY KEY,
        position   bigint      NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO projection_checkpoints (name, position) VALUES ('current_status', 0), ('outcome_timeline', 0)`);
    await queryRunner.query(`
      CREATE TABLE current_status (
        person_id            uuid    PRIMARY KEY,
        organisation_id      text    NOT NULL,
        phase                text    NOT NULL,
        case_open            boolean NOT NULL,
        programme            text,
        closure_reason       text,
        returned             boolean NOT NULL,
        active_consents      jsonb   NOT NULL,
        declined_scopes      jsonb   NOT NULL,
        employment_status    text,
        employed             boolean,
        employment_status_at text,
        latest_outcomes      jsonb   NOT NULL,
        latest_rss           jsonb,
        last_contact_at      text,
        contact_lost         boolean NOT NULL,
        re_trafficked        boolean NOT NULL,
        services_by_domain   jsonb   NOT NULL,
        personal_data_erased boolean NOT NULL,
        revision             bigint  NOT NULL,
        position             bigint  NOT NULL
      )`);
    // The caseload: by organisation (and phase), sorted by person or by oldest contact (never contacted first);
    // the flags are rare, so their indexes are partial.
    await queryRunner.query(`CREATE INDEX ON current_status (organisation_id, phase, person_id)`);
    await queryRunner.query(`CREATE INDEX ON current_status (organisation_id, coalesce(last_contact_at, ''), person_id)`);
    await queryRunner.query(`CREATE INDEX ON current_status (phase, person_id)`);
    await queryRunner.query(`CREATE INDEX ON current_status (person_id) WHERE contact_lost`);
    await queryRunner.query(`CREATE INDEX ON current_status (person_id) WHERE re_trafficked`);
    await queryRunner.query(`
      CREATE TABLE outcome_timeline (
        person_id   uuid        NOT NULL,
        event_id    uuid        NOT NULL,
        seq         smallint    NOT NULL,
        kind        text        NOT NULL,
        domain      text        NOT NULL,
        indicator   text        NOT NULL,
        value       jsonb       NOT NULL,
        occurred_at text        NOT NULL,
        occurred_on date        NOT NULL,
        recorded_at timestamptz NOT NULL,
        position    bigint      NOT NULL,
        PRIMARY KEY (person_id, event_id, seq)
      )`);
    await queryRunner.query(`CREATE INDEX ON outcome_timeline (person_id, occurred_on)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outcome_timeline`);
    await queryRunner.query(`DROP TABLE current_status`);
    await queryRunner.query(`DROP TABLE projection_checkpoints`);
  }
}
