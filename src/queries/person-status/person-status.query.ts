import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CurrentStatusRow } from '../../../projections/current-status';
import { currentStatusRowOf } from '../../projections/read-model-tables';

export interface PersonStatusAnswer {
  /** Global position the current_status read model reflects. */
  position: number;
  status: CurrentStatusRow;
}

/** A person's row of current_status, with the read model's position read in the same snapshot. */
@Injectable()
export class PersonStatusQuery {
  constructor(private readonly dataSource: DataSource) {}

  async run(personId: string): Promise<PersonStatusAnswer | undefined> {
    const rows: (Record<string, unknown> & { checkpoint: string })[] = await this.dataSource.query(
      `SELECT s.*, c.position AS checkpoint
       FROM projection_checkpoints c JOIN current_status s ON s.person_id = $1
       WHERE c.name = 'current_status'`,
      [personId],
    );
    const [row] = rows;
    return row && { position: Number(row.checkpoint), status: currentStatusRowOf(row) };
  }
}
