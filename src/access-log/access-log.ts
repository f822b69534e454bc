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

export interface AccessLogEntry extends RecordRead {
  id: number;
  accessedAt: string;
}

export interface AccessLogPage {
  entries: AccessLogEntry[];
  /** Pass as `after` for the next page; null on the last page. */
  next: number | null;
}

/** Who read which person's record, when and why (table `access_log`, append-only). */
@Injectable()
export class AccessLog {
  constructor(@Inject(DB_POOL) private readonly pool: Pool) {}

  async record(read: RecordRead): Promise<void> {
    await this.pool.query(
      'INSERT INTO access_log (actor, organisation_id, person_id, resource, purpose) VALUES ($1, $2, $3, $4, $5)',
      [read.actor, read.organisationId, read.personId, read.resource, read.purpose],
    );
  }

  /** Oldest first, `limit` entries after the entry id `after`; optionally one person's only. */
  async page(options: { after: number; limit: number; personId?: string }): Promise<AccessLogPage> {
    const { rows } = await this.pool.query<{
      id: string;
      accessed_at: Date;
      actor: string;
      organisation_id: string;
      person_id: string;
      resource: string;
      purpose: AccessPurpose;
    }>(
      `SELECT id, accessed_at, actor, organisation_id, person_id, resource, purpose FROM access_log
        WHERE id > $1 AND ($2::uuid IS NULL OR person_id = $2::uuid) ORDER BY id LIMIT $3`,
      [options.after, options.personId ?? null, options.limit + 1],
    );
    const entries = rows.slice(0, options.limit).map((row) => ({
      id: Number(row.id),
      accessedAt: row.accessed_at.toISOString(),
      actor: row.actor,
      organisationId: row.organisation_id,
      personId: row.person_id,
      resource: row.resource,
      purpose: row.purpose,
    }));
    return { entries, next: rows.length > options.limit ? entries[entries.length - 1].id : null };
  }
}
