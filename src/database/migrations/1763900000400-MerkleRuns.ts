import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Merkle log's hashes in runs instead of a row per hash (src/audit/merkle-log.ts). A builder batch adds,
 * per tree level, one contiguous run of new nodes, and one run of leaf positions: a dozen rows per thousand
 * events instead of three thousand, which is most of what the log cost appends. A node is still one index
 * lookup: the run of its level starting at or before it, and 32 bytes sliced out of it (stored uncompressed,
 * so the slice reads only its own chunk). `merkle_log_head` is the log's size, moved by compare-and-swap, so a
 * second builder fails instead of forking the tree. Existing rows become runs of one: nothing is rebuilt.
 */
export class MerkleRuns1763900000400 implements MigrationInterface {
  name = 'MerkleRuns1763900000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merkle_node_runs (
        level       smallint NOT NULL,
        first_index bigint   NOT NULL,
        hashes      bytea    NOT NULL CHECK (octet_length(hashes) > 0 AND octet_length(hashes) % 32 = 0),
        PRIMARY KEY (level, first_index)
      )`);
    await queryRunner.query(`ALTER TABLE merkle_node_runs ALTER COLUMN hashes SET STORAGE EXTERNAL`);
    await queryRunner.query(`
      CREATE TABLE merkle_leaf_runs (
        first_leaf bigint   PRIMARY KEY,
        positions  bigint[] NOT NULL CHECK (cardinality(positions) > 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE merkle_log_head (
        id       smallint PRIMARY KEY CHECK (id = 1),
        size     bigint   NOT NULL,
        position bigint   NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO merkle_node_runs SELECT level, node_index, hash FROM merkle_nodes`);
    await queryRunner.query(`INSERT INTO merkle_leaf_runs SELECT leaf_index, ARRAY[position] FROM merkle_leaves`);
    await queryRunner.query(`INSERT INTO merkle_log_head SELECT 1, count(*), coalesce(max(position), 0) FROM merkle_leaves`);
    await queryRunner.query(`DROP TABLE merkle_leaves`);
    await queryRunner.query(`DROP TABLE merkle_nodes`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
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
      INSERT INTO merkle_nodes
      SELECT r.level, r.first_index + i, substring(r.hashes FROM i * 32 + 1 FOR 32)
      FROM merkle_node_runs r, generate_series(0, octet_length(r.hashes) / 32 - 1) AS i`);
    await queryRunner.query(`
      INSERT INTO merkle_leaves
      SELECT r.first_leaf + p.ord - 1, p.position
      FROM merkle_leaf_runs r, unnest(r.positions) WITH ORDINALITY AS p(position, ord)`);
    await queryRunner.query(`DROP TABLE merkle_log_head`);
    await queryRunner.query(`DROP TABLE merkle_leaf_runs`);
    await queryRunner.query(`DROP TABLE merkle_node_runs`);
  }
}
