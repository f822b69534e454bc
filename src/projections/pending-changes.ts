import type { Projection, ReadModelChange } from '../../projections/projection';

/**
 * The changes of one read model not yet written: the net effect of many events, so that each row is written
 * once per batch, whatever the number of events that touched it.
 */
export class PendingChanges<Row> {
  private readonly rowsByPerson = new Map<string, Map<string, Row>>();
  /** Persons whose stored rows must go before the pending ones are written. */
  private readonly replaced = new Set<string>();

  constructor(private readonly projection: Projection<Row>) {}

  add(change: ReadModelChange<Row>): void {
    if (change.kind === 'replacePerson') {
      this.replaced.add(change.personId);
      this.rowsByPerson.set(change.personId, new Map());
    }
    for (const row of change.rows) {
      const person = this.projection.personOf(row);
      let rows = this.rowsByPerson.get(person);
      if (!rows) this.rowsByPerson.set(person, (rows = new Map<string, Row>()));
      rows.set(this.projection.keyOf(row), row);
    }
  }

  /**
   * For a one-row-per-person read model: the person's row as these changes leave it; `stored` (the row as
   * written before them) when they do not touch the person.
   */
  personRow(personId: string, stored: Row | undefined): Row | undefined {
    const rows = this.rowsByPerson.get(personId);
    if (!rows) return stored;
    return rows.values().next().value;
  }

  touches(personId: string): boolean {
    return this.rowsByPerson.has(personId);
  }

  get personCount(): number {
    return this.rowsByPerson.size;
  }

  replacedPersons(): string[] {
    return [...this.replaced];
  }

  rows(): Row[] {
    return [...this.rowsByPerson.values()].flatMap((rows) => [...rows.values()]);
  }
}
