import { cohortFacts } from '../../projections/cohort-facts';
import { currentStatus } from '../../projections/current-status';
import { outcomeTimeline } from '../../projections/outcome-timeline';
import type { Projection } from '../../projections/projection';
import { cohortFactsTable, currentStatusTable, outcomeTimelineTable, type ReadModelTable } from './read-model-tables';

/** A projection and the table it is kept in. */
export interface ReadModel<Row = unknown> {
  projection: Projection<Row>;
  table: ReadModelTable<Row>;
}

function readModel<Row>(projection: Projection<Row>, table: ReadModelTable<Row>): ReadModel {
  return { projection, table };
}

/** Every read model the runner keeps, by name (also the name of its table and checkpoint). */
export const READ_MODELS: readonly ReadModel[] = [
  readModel(currentStatus, currentStatusTable),
  readModel(outcomeTimeline, outcomeTimelineTable),
  readModel(cohortFacts, cohortFactsTable),
];

export const READ_MODEL_NAMES = READ_MODELS.map((model) => model.projection.name);

/** The read models named, all of them when no name is given; an unknown name is an error naming the known ones. */
export function readModelsNamed(name?: string): ReadModel[] {
  if (name === undefined) return [...READ_MODELS];
  const found = READ_MODELS.find((model) => model.projection.name === name);
  if (!found) throw new Error(`Unknown projection "${name}"; known: ${READ_MODEL_NAMES.join(', ')}`);
  return [found];
}
