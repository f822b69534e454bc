import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events a projection could not apply, set aside so that the runner goes on (src/projections/parked-events.ts):
 * the event's global position, the projection, and the class of the error (`TypeError`, `pg 22P05`), never its
 * message, which can quote the event's data.
 */
export class ParkedEvents1763900000600 implements MigrationInterface {
  name = 'ParkedEvents1763900000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE parked_events (
        projection  text        NOT NULL,
        position    bigint      NOT NULL,
        error_class text        NOT NULL,
        parked_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, position)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE parked_events`);
  }
}
