import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL event log (src/event-store/postgres-event-store.ts).
 * `events.canonical` holds the RFC 8785 bytes of each event: the stored event itself. The other columns are
 * indexes over it. Global positions are dense and allocated in commit order by the one-row `event_log_head`.
 */
export class EventLog1763900000000 implements MigrationInterface {
  name = 'EventLog1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // events_stream_revision_key is every append's compare-and-swap: an event chains onto revision r of its
    // stream (immutable once written), so if revision r + 1 is still free, the head it chained onto is the head.
    // A taken revision is a unique violation, and the store reads the heads again. It also serves the head read
    // (the last event of a stream) from the index alone.
    await queryRunner.query(`
      CREATE TABLE events (
        position        bigint      PRIMARY KEY,
        stream_id       text        NOT NULL,
        stream_revision bigint      NOT NULL,
        event_id        uuid        NOT NULL UNIQUE,
        type            text        NOT NULL,
        canonical       bytea       NOT NULL,
        event_hash      bytea       NOT NULL CHECK (length(event_hash) = 32),
        recorded_at     timestamptz NOT NULL,
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision) INCLUDE (event_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE event_log_head (
        id       smallint PRIMARY KEY CHECK (id = 1),
        position bigint   NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO event_log_head (id, position) VALUES (1, 0)`);

    // One statement per write: one stream, or many (a bulk import, or the store's group commit of several
    // callers' appends) in one transaction. The global head row is locked first and held until commit, so
    // positions are given out in commit order (a reader of `position > $after` never skips an event that commits
    // late) and writers insert one after another (no deadlock between two bulk appends).
    // Per-event arrays, grouped by stream, in order; the events' canonical bytes concatenated (p_ends: where each
    // ends), their 32-byte hashes too: binary parameters, no text encoding of the bytes either way.
    // PL/pgSQL, not SQL: it keeps the statement's plan across calls.
    await queryRunner.query(`
      CREATE FUNCTION append_events(
        p_streams     text[],
        p_revisions   bigint[],
        p_event_ids   uuid[],
        p_types       text[],
        p_recorded_at timestamptz[],
        p_canonical   bytea,
        p_ends        int[],
        p_hashes      bytea
      ) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        v_last_position bigint;
      BEGIN
        WITH head AS (
          UPDATE event_log_head SET position = position + cardinality(p_event_ids) WHERE id = 1 RETURNING position
        ), written AS (
          INSERT INTO events (position, stream_id, stream_revision, event_id, type, canonical, event_hash, recorded_at)
          SELECT head.position - cardinality(p_event_ids) + e.ord, e.stream_id, e.stream_revision, e.event_id, e.type,
                 substring(p_canonical FROM e.canonical_start + 1 FOR e.canonical_end - e.canonical_start),
                 substring(p_hashes FROM 32 * e.ord::int - 31 FOR 32), e.recorded_at
          FROM head, unnest(p_streams, p_revisions, p_event_ids, p_types, p_recorded_at, (0 || p_ends)[:cardinality(p_ends)], p_ends)
               WITH ORDINALITY AS e(stream_id, stream_revision, event_id, type, recorded_at, canonical_start, canonical_end, ord)
        )
        SELECT head.position INTO v_last_position FROM head, LATERAL pg_notify('journey_events', head.position::text);
        RETURN v_last_position;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION append_events(text[], bigint[], uuid[], text[], timestamptz[], bytea, int[], bytea)`);
    await queryRunner.query(`DROP TABLE event_log_head`);
    await queryRunner.query(`DROP TABLE events`);
  }
}
