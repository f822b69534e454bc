import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CurrentStatusRow, Phase } from '../../../projections/current-status';
import { currentStatusRowOf } from '../../projections/read-model-tables';

export type CaseloadSort = 'personId' | 'lastContactAt';

export interface CaseloadFilter {
  organisationId?: string;
  phase?: Phase;
  contactLost?: boolean;
  reTrafficked?: boolean;
  sort: CaseloadSort;
  limit: number;
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string;
}

export interface CaseloadAnswer {
  /** Global position the current_status read model reflects. */
  position: number;
  items: CurrentStatusRow[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The sort key of a row: [sort value, personId]. Keyset pagination: pages stay right while rows change. */
type Cursor = [string, string];

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API gave');
    this.name = 'InvalidCursorError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): Cursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[0] === 'string' && UUID.test(String(decoded[1]))) {
      return decoded as Cursor;
    }
  } catch {
    // reported below
  }
  throw new InvalidCursorError();
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** The caseload: current_status rows filtered, sorted and paged, with the read model's position. */
@Injectable()
export class CaseloadQuery {
  constructor(private readonly dataSource: DataSource) {}

  async run(filter: CaseloadFilter): Promise<CaseloadAnswer> {
    const sortValue = filter.sort === 'lastContactAt' ? `coalesce(s.last_contact_at, '')` : `s.person_id::text`;
    const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    const rows: (Record<string, unknown> & { checkpoint: string; sort_value: string })[] = await this.dataSource.query(
      `SELECT c.position AS checkpoint, q.*
       FROM projection_checkpoints c
       LEFT JOIN LATERAL (
         SELECT s.*, ${sortValue} AS sort_value FROM current_status s
         WHERE ($1::text IS NULL OR s.organisation_id = $1)
           AND ($2::text IS NULL OR s.phase = $2)
           AND ($3::boolean IS NULL OR s.contact_lost = $3)
           AND ($4::boolean IS NULL OR s.re_trafficked = $4)
           AND ($5::text IS NULL OR (${sortValue}, s.person_id) > ($5::text, $6::uuid))
         ORDER BY ${sortValue}, s.person_id
         LIMIT $7
       ) q ON true
       WHERE c.name = 'current_status'`,
      [
        filter.organisationId ?? null,
        filter.phase ?? null,
        filter.contactLost ?? null,
        filter.reTrafficked ?? null,
        after?.[0] ?? null,
        after?.[1] ?? null,
        filter.limit + 1,
      ],
    );
    const found = rows.filter((row) => row.person_id !== null);
    const page = found.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      position: Number(rows[0]?.checkpoint ?? 0),
      items: page.map(currentStatusRowOf),
      nextCursor: found.length > filter.limit && last ? encodeCursor([last.sort_value, last.person_id as string]) : null,
    };
  }
}
