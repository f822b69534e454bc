import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL event log (src/event-store/postgres-event-store.ts).
 * `events.canonical` holds the RFC 8785 bytes of each event: the stored event itself. The other columns are
 * indexes over it. Global positions are dense and allocated in commit order by the one-row `event_log_head`.
 */
export class EventLog1763900000000 implements MigrationInterface {
  name = 'EventLog1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
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
        UNIQUE (stream_id, stream_revision)
      )`);
    await queryRunner.query(`
      CREATE TABLE streams (
        stream_id text   PRIMARY KEY,
        revision  bigint NOT NULL,
        last_hash bytea  NOT NULL CHECK (length(last_hash) = 32)
      )`);
    await queryRunner.query(`
      CREATE TABLE event_log_head (
        id       smallint PRIMARY KEY CHECK (id = 1),
        position bigint   NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO event_log_head (id, position) VALUES (1, 0)`);

    // One round trip per write: one stream, or many (a bulk import, or the store's group commit of several
    // callers' appends) in one transaction. Each stream head is compared-and-swapped first; the global head row
    // is locked last and held until commit, so positions are given out in commit order and a reader of
    // `position > $after` never skips an event that commits late.
    // SQLSTATE JLREV = stream heads moved, nothing written; DETAIL: a JSON array of [stream, actual revision or
    // null for no stream], one per stream whose head moved, so the store can fail exactly those callers.
    // Per-stream arrays: p_streams..p_last_hashes; per-event arrays (grouped by stream, in order): the rest.
    await queryRunner.query(`
      CREATE FUNCTION append_events(
        p_streams         text[],
        p_head_revisions  bigint[],
        p_head_hashes     bytea[],
        p_last_revisions  bigint[],
        p_last_hashes     bytea[],
        p_event_streams   text[],
        p_event_revisions bigint[],
        p_event_ids       uuid[],
        p_types           text[],
        p_canonical       bytea[],
        p_event_hashes    bytea[],
        p_recorded_at     timestamptz[]
      ) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        v_count         int := cardinality(p_event_ids);
        v_created       bigint := 0;
        v_last_position bigint;
        v_moved_heads   text;
      BEGIN
        IF cardinality(p_streams) > 1 THEN
          -- Lock the existing streams in one order, so two bulk appends cannot deadlock.
          PERFORM 1 FROM streams WHERE stream_id = ANY(p_streams) ORDER BY stream_id FOR UPDATE;
        END IF;
        IF -1 = ANY(p_head_revisions) THEN
          INSERT INTO streams (stream_id, revision, last_hash)
          SELECT s.stream_id, s.last_revision, s.last_hash
          FROM unnest(p_streams, p_head_revisions, p_last_revisions, p_last_hashes)
               AS s(stream_id, head_revision, last_revision, last_hash)
          WHERE s.head_revision = -1
          ORDER BY s.stream_id -- one order for every writer: no deadlock on new streams either
          ON CONFLICT (stream_id) DO NOTHING;
          GET DIAGNOSTICS v_created = ROW_COUNT;
        END IF;
        -- The rest in one statement (the hot path's only one): the existing heads' compare-and-swap, then, only if
        -- every head was where its caller saw it, the global head (locked last) and the events.
        WITH moved AS (
          UPDATE streams SET revision = s.last_revision, last_hash = s.last_hash
          FROM unnest(p_streams, p_head_revisions, p_head_hashes, p_last_revisions, p_last_hashes)
               AS s(stream_id, head_revision, head_hash, last_revision, last_hash)
          WHERE s.head_revision <> -1 AND streams.stream_id = s.stream_id
            AND streams.revision = s.head_revision AND streams.last_hash = s.head_hash
          RETURNING 1
        ), head AS (
          UPDATE event_log_head SET position = position + v_count
          WHERE id = 1 AND (SELECT count(*) FROM moved) = cardinality(p_streams) - v_created
          RETURNING position
        ), written AS (
          INSERT INTO events (position, stream_id, stream_revision, event_id, type, canonical, event_hash, recorded_at)
          SELECT head.position - v_count + e.ord, e.stream_id, e.stream_revision,
                 e.event_id, e.type, e.canonical, e.event_hash, e.recorded_at
          FROM head, unnest(p_event_streams, p_event_revisions, p_event_ids, p_types, p_canonical, p_event_hashes, p_recorded_at)
               WITH ORDINALITY AS e(stream_id, stream_revision, event_id, type, canonical, event_hash, recorded_at, ord)
        )
        SELECT head.position INTO v_last_position FROM head, LATERAL pg_notify('journey_events', head.position::text);

        IF v_last_position IS NULL THEN
          SELECT json_agg(json_build_array(s.stream_id, streams.revision))::text INTO v_moved_heads
          FROM unnest(p_streams, p_last_hashes) AS s(stream_id, last_hash)
          LEFT JOIN streams ON streams.stream_id = s.stream_id
          WHERE streams.last_hash IS DISTINCT FROM s.last_hash;
          RAISE EXCEPTION 'stream heads moved' USING ERRCODE = 'JLREV', DETAIL = v_moved_heads;
        END IF;
        RETURN v_last_position;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION append_events(text[], bigint[], bytea[], bigint[], bytea[], text[], bigint[], uuid[], text[], bytea[], bytea[], timestamptz[])`);
    await queryRunner.query(`DROP TABLE event_log_head`);
    await queryRunner.query(`DROP TABLE streams`);
    await queryRunner.query(`DROP TABLE events`);
  }
}
