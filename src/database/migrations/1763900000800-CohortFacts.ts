import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `cohort_facts` read model (projections/cohort-facts.ts): one row per journey event, with when it happened,
 * when it was recorded and its log position, so that a cohort report selects the events of a tree as known at a
 * moment. A report reads the persons with an entry event of a type in a window, then those persons' rows in log
 * order: one index for each. Its checkpoint starts at 0: the runner (or `projections rebuild cohort_facts`) fills it
 * from the log already written.
 */
export class CohortFacts1763900000800 implements MigrationInterface {
  name = 'CohortFacts1763900000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE cohort_facts (
        person_id       uuid        NOT NULL,
        event_id        uuid        PRIMARY KEY,
        type            text        NOT NULL,
        occurred_at     text        NOT NULL,
        occurred_on     date        NOT NULL,
        recorded_at     timestamptz NOT NULL,
        position        bigint      NOT NULL,
        organisation_id text        NOT NULL,
        data            jsonb       NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ON cohort_facts (type, occurred_on)`);
    await queryRunner.query(`CREATE INDEX ON cohort_facts (person_id, position)`);
    await queryRunner.query(`INSERT INTO projection_checkpoints (name, position) VALUES ('cohort_facts', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM parked_events WHERE projection = 'cohort_facts'`);
    await queryRunner.query(`DELETE FROM projection_checkpoints WHERE name = 'cohort_facts'`);
    await queryRunner.query(`DROP TABLE cohort_facts`);
  }
}
