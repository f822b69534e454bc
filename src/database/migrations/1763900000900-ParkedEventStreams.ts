import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A parked event's stream, kept beside its position: `projections retry` then reads the person's stream to apply
 * it again, rather than finding the event in the global log by position (on EventStoreDB, a read of `$all` from
 * between two events). Parks made before have none, and are found by position as before.
 */
export class ParkedEventStreams1763900000900 implements MigrationInterface {
  name = 'ParkedEventStreams1763900000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE parked_events ADD COLUMN stream_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE parked_events DROP COLUMN stream_id`);
  }
}
