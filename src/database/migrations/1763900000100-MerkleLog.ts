import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The global Merkle log (src/audit/merkle-log.ts): leaf i is the i-th event of the global log, by position.
 * `merkle_nodes` holds every perfect subtree hash (level 0 = leaf hashes), so a root or a proof reads O(log n)
 * rows; `merkle_leaves` maps dense leaf indices to store positions; `signed_checkpoints` keeps every C2SP signed
 * note the log has issued.
 */
export class MerkleLog1763900000100 implements MigrationInterface {
  name = 'MerkleLog1763900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merkle_nodes (
        level      smallint NOT NULL,
        node_index bigint   NOT NULL,
        hash       bytea    NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, node_index)
      )`);
    await queryRunner.query(`
      CREATE TABLE merkle_leaves (
        leaf_index bigint PRIMARY KEY,
        position   bigint NOT NULL UNIQUE
      )`);
    await queryRunner.query(`
      CREATE TABLE signed_checkpoints (
        tree_size bigint      PRIMARY KEY,
        note      text        NOT NULL,
        signed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE signed_checkpoints`);
    await queryRunner.query(`DROP TABLE merkle_leaves`);
    await queryRunner.query(`DROP TABLE merkle_nodes`);
  }
}
