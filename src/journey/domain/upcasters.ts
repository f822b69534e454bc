import type { EmploymentStatus } from './vocabulary';

/**
 * Events are never rewritten: an event recorded under an older schema is brought up to the current one each time
 * it is read. Each upcaster takes one type from one version to the next; `upcast` chains them.
 */

interface Versioned {
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** `EmploymentStatusRecorded` version 2: whether the person counts as employed is stated, not guessed by readers. */
export interface EmploymentStatusRecordedV2 {
  status: EmploymentStatus;
  /**
   * Version 1 only had `status`, so `other` could not say whether the person worked. Version 2 states it; for
   * version 1 events it follows from the status (paid work or own business), `other` counting as not employed.
   */
  employed: boolean;
}

const EMPLOYED_STATUSES: ReadonlySet<string> = new Set(['private_business', 'state_owned_business', 'self_employed']);

const UPCASTERS: { readonly [type: string]: { readonly [fromVersion: number]: Upcaster } } = {
  EmploymentStatusRecorded: {
    1: (data) => ({ ...data, employed: EMPLOYED_STATUSES.has(String(data.status)) }),
  },
};

/** The version every reader of this type sees after upcasting. */
export function currentSchemaVersion(type: string): number {
  const versions = Object.keys(UPCASTERS[type] ?? {}).map(Number);
  return versions.length === 0 ? 1 : Math.max(...versions) + 1;
}

/** The event in the current schema of its type (the same object when it already is). */
export function upcast<E extends Versioned>(event: E): E {
  const steps = UPCASTERS[event.type];
  if (!steps) return event;
  let { schemaVersion, data } = event;
  for (let step = steps[schemaVersion]; step; step = steps[schemaVersion]) {
    data = step(data);
    schemaVersion += 1;
  }
  return schemaVersion === event.schemaVersion ? event : { ...event, schemaVersion, data };
}
