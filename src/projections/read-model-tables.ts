import type { EntityManager } from 'typeorm';
import type { CohortFact } from '../../projections/cohort/fact';
import type { CurrentStatusRow } from '../../projections/current-status';
import type { TimelinePoint } from '../../projections/outcome-timeline';

/**
 * How the rows of a read model are stored: its columns, and multi-row reads and writes over any table of its
 * shape (the live one, or the fresh one a rebuild fills). One statement per write, whatever the number of rows:
 * the rows travel as one JSON array, turned into records server side (JSON.stringify is native and fast, and the
 * parsing happens on the database's core, not the runner's).
 */
export interface ReadModelTable<Row> {
  /** The live table's name. */
  readonly name: string;
  /** The person's rows, for the persons given. */
  load(manager: EntityManager, table: string, personIds: readonly string[]): Promise<Row[]>;
  /** Inserts the rows, overwriting those with the same key. */
  upsert(manager: EntityManager, table: string, rows: readonly Row[]): Promise<void>;
  deletePersons(manager: EntityManager, table: string, personIds: readonly string[]): Promise<void>;
  /** The columns, comma separated, in the order of copyLine's values. */
  readonly columnNames: string;
  /** The row as one line of COPY's text format (a rebuild's bulk load, see table-load.ts), newline included. */
  copyLine(row: Row): string;
}

interface Column<Row> {
  name: string;
  /** PostgreSQL type of one value. */
  type: string;
  of: (row: Row) => unknown;
}

type StoredRecord = Record<string, unknown>;

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Types whose values (numbers, ids) never hold a character COPY would need escaped. */
const PLAIN_TYPES: ReadonlySet<string> = new Set(['uuid', 'smallint', 'bigint']);

/** A value as COPY's text format reads it: `\N` for null, backslash escapes, booleans as t/f, jsonb as JSON. */
function copyValueOf(type: string): (value: unknown) => string {
  const escaped = (text: string) => (COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (special) => COPY_ESCAPES[special]!) : text);
  if (type === 'jsonb') return (value) => (value === null || value === undefined ? '\\N' : escaped(JSON.stringify(value)));
  if (type === 'boolean') return (value) => (value === null || value === undefined ? '\\N' : value ? 't' : 'f');
  // Columns of the other types hold strings and numbers (ids, codes, dates, positions), never objects.
  /* eslint-disable @typescript-eslint/no-base-to-string */
  if (PLAIN_TYPES.has(type)) return (value) => (value === null || value === undefined ? '\\N' : String(value));
  return (value) => (value === null || value === undefined ? '\\N' : escaped(String(value)));
  /* eslint-enable @typescript-eslint/no-base-to-string */
}

function tableOf<Row>(definition: {
  name: string;
  key: readonly string[];
  columns: readonly Column<Row>[];
  rowOf: (record: StoredRecord) => Row;
}): ReadModelTable<Row> {
  const { name, key, columns, rowOf } = definition;
  const names = columns.map((column) => column.name).join(', ');
  const recordType = columns.map((column) => `${column.name} ${column.type}`).join(', ');
  const updates = columns
    .filter((column) => !key.includes(column.name))
    .map((column) => `${column.name} = EXCLUDED.${column.name}`)
    .join(', ');
  const copyValues = columns.map((column) => ({ of: column.of, text: copyValueOf(column.type) }));
  return {
    name,
    columnNames: names,
    copyLine(row) {
      let line = '';
      for (let index = 0; index < copyValues.length; index += 1) {
        const column = copyValues[index]!;
        line += (index === 0 ? '' : '\t') + column.text(column.of(row));
      }
      return line + '\n';
    },
    async load(manager, table, personIds) {
      if (personIds.length === 0) return [];
      const records: StoredRecord[] = await manager.query(`SELECT ${names} FROM ${table} WHERE person_id = ANY($1::uuid[])`, [personIds]);
      return records.map(rowOf);
    },
    async upsert(manager, table, rows) {
      if (rows.length === 0) return;
      const records = rows.map((row) => Object.fromEntries(columns.map((column) => [column.name, column.of(row)])));
      await manager.query(
        `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${recordType})
         ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates}`,
        [JSON.stringify(records)],
      );
    },
    async deletePersons(manager, table, personIds) {
      if (personIds.length === 0) return;
      await manager.query(`DELETE FROM ${table} WHERE person_id = ANY($1::uuid[])`, [personIds]);
    },
  };
}

export const currentStatusTable = tableOf<CurrentStatusRow>({
  name: 'current_status',
  key: ['person_id'],
  columns: [
    { name: 'person_id', type: 'uuid', of: (row) => row.personId },
    { name: 'organisation_id', type: 'text', of: (row) => row.organisationId },
    { name: 'phase', type: 'text', of: (row) => row.phase },
    { name: 'case_open', type: 'boolean', of: (row) => row.caseOpen },
    { name: 'programme', type: 'text', of: (row) => row.programme },
    { name: 'closure_reason', type: 'text', of: (row) => row.closureReason },
    { name: 'returned', type: 'boolean', of: (row) => row.returned },
    { name: 'active_consents', type: 'jsonb', of: (row) => row.activeConsents },
    { name: 'declined_scopes', type: 'jsonb', of: (row) => row.declinedScopes },
    { name: 'employment_status', type: 'text', of: (row) => row.employmentStatus },
    { name: 'employed', type: 'boolean', of: (row) => row.employed },
    { name: 'employment_status_at', type: 'text', of: (row) => row.employmentStatusAt },
    { name: 'latest_outcomes', type: 'jsonb', of: (row) => row.latestOutcomes },
    { name: 'latest_rss', type: 'jsonb', of: (row) => row.latestRss },
    { name: 'last_contact_at', type: 'text', of: (row) => row.lastContactAt },
    { name: 'contact_lost', type: 'boolean', of: (row) => row.contactLost },
    { name: 're_trafficked', type: 'boolean', of: (row) => row.reTrafficked },
    { name: 'services_by_domain', type: 'jsonb', of: (row) => row.servicesByDomain },
    { name: 'personal_data_erased', type: 'boolean', of: (row) => row.personalDataErased },
    { name: 'revision', type: 'bigint', of: (row) => row.revision },
    { name: 'position', type: 'bigint', of: (row) => row.position },
  ],
  rowOf: currentStatusRowOf,
});

export function currentStatusRowOf(record: StoredRecord): CurrentStatusRow {
  return {
    personId: record.person_id as string,
    organisationId: record.organisation_id as string,
    phase: record.phase as CurrentStatusRow['phase'],
    caseOpen: record.case_open as boolean,
    programme: record.programme as CurrentStatusRow['programme'],
    closureReason: record.closure_reason as string | null,
    returned: record.returned as boolean,
    activeConsents: record.active_consents as CurrentStatusRow['activeConsents'],
    declinedScopes: record.declined_scopes as string[],
    employmentStatus: record.employment_status as string | null,
    employed: record.employed as boolean | null,
    employmentStatusAt: record.employment_status_at as string | null,
    latestOutcomes: record.latest_outcomes as CurrentStatusRow['latestOutcomes'],
    latestRss: record.latest_rss as CurrentStatusRow['latestRss'],
    lastContactAt: record.last_contact_at as string | null,
    contactLost: record.contact_lost as boolean,
    reTrafficked: record.re_trafficked as boolean,
    servicesByDomain: record.services_by_domain as Record<string, number>,
    personalDataErased: record.personal_data_erased as boolean,
    revision: Number(record.revision),
    position: Number(record.position),
  };
}

/** `YYYY-MM` means from the first of the month on. */
export function firstDayOf(occurredAt: string): string {
  return occurredAt.length === 7 ? `${occurredAt}-01` : occurredAt;
}

export const outcomeTimelineTable = tableOf<TimelinePoint>({
  name: 'outcome_timeline',
  key: ['person_id', 'event_id', 'seq'],
  columns: [
    { name: 'person_id', type: 'uuid', of: (point) => point.personId },
    { name: 'event_id', type: 'uuid', of: (point) => point.eventId },
    { name: 'seq', type: 'smallint', of: (point) => point.seq },
    { name: 'kind', type: 'text', of: (point) => point.kind },
    { name: 'domain', type: 'text', of: (point) => point.domain },
    { name: 'indicator', type: 'text', of: (point) => point.indicator },
    { name: 'value', type: 'jsonb', of: (point) => point.value },
    { name: 'occurred_at', type: 'text', of: (point) => point.occurredAt },
    { name: 'occurred_on', type: 'date', of: (point) => firstDayOf(point.occurredAt) },
    { name: 'recorded_at', type: 'timestamptz', of: (point) => point.recordedAt },
    { name: 'position', type: 'bigint', of: (point) => point.position },
  ],
  rowOf: timelinePointOf,
});

export function timelinePointOf(record: StoredRecord): TimelinePoint {
  return {
    personId: record.person_id as string,
    eventId: record.event_id as string,
    seq: Number(record.seq),
    kind: record.kind as TimelinePoint['kind'],
    domain: record.domain as string,
    indicator: record.indicator as string,
    value: record.value as TimelinePoint['value'],
    occurredAt: record.occurred_at as string,
    recordedAt: new Date(record.recorded_at as string | Date).toISOString(),
    position: Number(record.position),
  };
}

export const cohortFactsTable = tableOf<CohortFact>({
  name: 'cohort_facts',
  key: ['event_id'],
  columns: [
    { name: 'person_id', type: 'uuid', of: (fact) => fact.personId },
    { name: 'event_id', type: 'uuid', of: (fact) => fact.eventId },
    { name: 'type', type: 'text', of: (fact) => fact.type },
    { name: 'occurred_at', type: 'text', of: (fact) => fact.occurredAt },
    { name: 'occurred_on', type: 'date', of: (fact) => firstDayOf(fact.occurredAt) },
    { name: 'recorded_at', type: 'timestamptz', of: (fact) => fact.recordedAt },
    { name: 'position', type: 'bigint', of: (fact) => fact.position },
    { name: 'organisation_id', type: 'text', of: (fact) => fact.organisationId },
    { name: 'data', type: 'jsonb', of: (fact) => fact.data },
  ],
  rowOf: cohortFactOf,
});

/** An instant as the store writes it (toISOString): PostgreSQL gives a Date, unless the query wrote it so already. */
function isoInstant(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

export function cohortFactOf(record: StoredRecord): CohortFact {
  return {
    personId: record.person_id as string,
    eventId: record.event_id as string,
    type: record.type as string,
    occurredAt: record.occurred_at as string,
    recordedAt: isoInstant(record.recorded_at as string | Date),
    position: Number(record.position),
    organisationId: record.organisation_id as string,
    data: record.data as Record<string, unknown>,
  };
}
