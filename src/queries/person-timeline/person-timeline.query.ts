import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TimelinePoint } from '../../../projections/outcome-timeline';
import { firstDayOf, timelinePointOf } from '../../projections/read-model-tables';

export interface TimelineFilter {
  domain?: string;
  /** `YYYY-MM` or `YYYY-MM-DD`, inclusive. */
  from?: string;
  to?: string;
}

export interface PersonTimelineAnswer {
  /** Global position the outcome_timeline read model reflects. */
  position: number;
  personId: string;
  points: Omit<TimelinePoint, 'personId'>[];
}

/** Last day a `YYYY-MM` or `YYYY-MM-DD` bound can mean, so `to=2024-05` includes the whole of May. */
function lastDayOf(date: string): string {
  if (date.length === 10) return date;
  const [year, month] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** A person's timeline points in date order, with the read model's position read in the same snapshot. */
@Injectable()
export class PersonTimelineQuery {
  constructor(private readonly dataSource: DataSource) {}

  async run(personId: string, filter: TimelineFilter): Promise<PersonTimelineAnswer | undefined> {
    const [result]: { checkpoint: string; known: boolean; points: Record<string, unknown>[] }[] = await this.dataSource.query(
      `SELECT c.position AS checkpoint,
              EXISTS (SELECT 1 FROM current_status WHERE person_id = $1) AS known,
              coalesce((SELECT json_agg(t ORDER BY t.occurred_on, t.position, t.seq)
                        FROM outcome_timeline t
                        WHERE t.person_id = $1
                          AND ($2::text IS NULL OR t.domain = $2)
                          AND ($3::date IS NULL OR t.occurred_on >= $3)
                          AND ($4::date IS NULL OR t.occurred_on <= $4)), '[]') AS points
       FROM projection_checkpoints c WHERE c.name = 'outcome_timeline'`,
      [personId, filter.domain ?? null, filter.from ? firstDayOf(filter.from) : null, filter.to ? lastDayOf(filter.to) : null],
    );
    if (!result?.known) return undefined;
    return {
      position: Number(result.checkpoint),
      personId,
      points: result.points.map((record) => {
        const { personId: _person, ...point } = timelinePointOf(record);
        return point;
      }),
    };
  }
}
