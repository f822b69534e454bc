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

    // One round trip per append. The stream head is compared-and-swapped first; the global head row is locked
    // last and held until commit, so positions are given out in commit order and a reader of
    // `position > $after` never skips an event that commits late. SQLSTATE JLREV = the stream head moved
    // (DETAIL: the actual revision, or no_stream).
    await queryRunner.query(`
      CREATE FUNCTION append_events(
        p_stream_id     text,
        p_head_revision bigint,
        p_head_hash     bytea,
        p_event_ids     uuid[],
        p_types         text[],
        p_canonical     bytea[],
        p_event_hashes  bytea[],
        p_recorded_at   timestamptz
      ) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        v_count         int := cardinality(p_event_ids);
        v_last_position bigint;
        v_actual        bigint;
      BEGIN
        IF p_head_revision = -1 THEN
          INSERT INTO streams (stream_id, revision, last_hash)
          VALUES (p_stream_id, v_count - 1, p_event_hashes[v_count])
          ON CONFLICT (stream_id) DO NOTHING;
        ELSE
          UPDATE streams SET revision = p_head_revision + v_count, last_hash = p_event_hashes[v_count]
          WHERE stream_id = p_stream_id AND revision = p_head_revision AND last_hash = p_head_hash;
        END IF;
        IF NOT FOUND THEN
          SELECT revision INTO v_actual FROM streams WHERE stream_id = p_stream_id;
          RAISE EXCEPTION 'stream head moved' USING ERRCODE = 'JLREV', DETAIL = coalesce(v_actual::text, 'no_stream');
        END IF;

        UPDATE event_log_head SET position = position + v_count WHERE id = 1 RETURNING position INTO v_last_position;
        INSERT INTO events (position, stream_id, stream_revision, event_id, type, canonical, event_hash, recorded_at)
        SELECT v_last_position - v_count + e.ord, p_stream_id, p_head_revision + e.ord,
               e.event_id, e.type, e.canonical, e.event_hash, p_recorded_at
        FROM unnest(p_event_ids, p_types, p_canonical, p_event_hashes)
             WITH ORDINALITY AS e(event_id, type, canonical, event_hash, ord);
        PERFORM pg_notify('journey_events', v_last_position::text);
        RETURN v_last_position;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION append_events(text, bigint, bytea, uuid[], text[], bytea[], bytea[], timestamptz)`);
    await queryRunner.query(`DROP TABLE event_log_head`);
    await queryRunner.query(`DROP TABLE streams`);
    await queryRunner.query(`DROP TABLE events`);
  }
}
