import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { DB_POOL } from '../database/database.module';
import type { AccessPurpose } from './access-purpose';

export interface RecordRead {
  /** Pseudonymous user id (token `sub`). */
  actor: string;
  organisationId: string;
  personId: string;
  /** The route read, e.g. `/persons/:personId/personal-data`. */
  resource: string;
  purpose: AccessPurpose;
}

/** An export of the whole ledger: every organisation's events (ciphertext only), leaves [from, to). */
export interface LedgerExport {
  actor: string;
  /** The exporting auditor's organisation. */
  organisationId: string;
  resource: string;
  range: { from: number; to: number };
}

export type AccessLogEntry = (RecordRead | LedgerExport) & {
  id: number;
  accessedAt: string;
};

export interface AccessLogPage {
  entries: AccessLogEntry[];
  /** Pass as `after` for the next page; null on the last page. */
  next: number | null;
}

interface AccessLogRow {
  id: string;
  accessed_at: Date;
  actor: string;
  organisation_id: string;
  person_id: string | null;
  resource: string;
  purpose: AccessPurpose | null;
  range_from: string | null;
  range_to: string | null;
}

/** Who read which person's record, or exported the ledger, when and why (table `access_log`, append-only). */
@Injectable()
export class AccessLog {
  constructor(@Inject(DB_POOL) private readonly pool: Pool) {}

  async record(read: RecordRead): Promise<void> {
    await this.pool.query('INSERT INTO access_log (actor, organisation_id, person_id, resource, purpose) VALUES ($1, $2, $3, $4, $5)', [
      read.actor,
      read.organisationId,
      read.personId,
      read.resource,
      read.purpose,
    ]);
  }

  async recordExport(exported: LedgerExport): Promise<void> {
    await this.pool.query('INSERT INTO access_log (actor, organisation_id, resource, range_from, range_to) VALUES ($1, $2, $3, $4, $5)', [
      exported.actor,
      exported.organisationId,
      exported.resource,
      exported.range.from,
      exported.range.to,
    ]);
  }

  /** One organisation's entries, oldest first, `limit` of them after the entry id `after`; optionally one person's only. */
  async page(options: { organisationId: string; after: number; limit: number; personId?: string }): Promise<AccessLogPage> {
    const { rows } = await this.pool.query<AccessLogRow>(
      `SELECT id, accessed_at, actor, organisation_id, person_id, resource, purpose, range_from, range_to FROM access_log
        WHERE organisation_id = $1 AND id > $2 AND ($3::uuid IS NULL OR person_id = $3::uuid) ORDER BY id LIMIT $4`,
      [options.organisationId, options.after, options.personId ?? null, options.limit + 1],
    );
    const entries = rows.slice(0, options.limit).map(entryOf);
    return { entries, next: rows.length > options.limit ? entries[entries.length - 1].id : null };
  }
}

function entryOf(row: AccessLogRow): AccessLogEntry {
  const common = { id: Number(row.id), accessedAt: row.accessed_at.toISOString(), actor: row.actor, organisationId: row.organisation_id };
  if (row.person_id === null || row.purpose === null) {
    return { ...common, resource: row.resource, range: { from: Number(row.range_from), to: Number(row.range_to) } };
  }
  return { ...common, personId: row.person_id, resource: row.resource, purpose: row.purpose };
}
