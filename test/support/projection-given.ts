import { randomUUID } from 'node:crypto';
import type { ProjectedEvent } from '../../projections/projection';

/** Builds the events of one person's stream for specs: revisions and positions follow the order given. */
export function givenStream(personId: string = randomUUID(), organisationId = 'org-a') {
  const events: ProjectedEvent[] = [];
  const stream = {
    personId,
    events,
    add(type: string, data: Record<string, unknown>, occurredAt: string, schemaVersion = type === 'EmploymentStatusRecorded' ? 2 : 1): ProjectedEvent {
      const event: ProjectedEvent = {
        eventId: randomUUID(),
        streamId: `journey-${personId}`,
        streamRevision: events.length,
        position: events.length + 1,
        type,
        schemaVersion,
        occurredAt,
        recordedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, events.length)).toISOString(),
        data,
        metadata: { organisationId },
      };
      events.push(event);
      return event;
    },
  };
  return stream;
}
