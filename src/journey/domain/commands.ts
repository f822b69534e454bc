/**
 * The journey's commands: each asks to record one event of its `type` about a person, with data already validated
 * (event-data/), on behalf of the organisation recording it. decide accepts or refuses it by the journey's rules.
 */
import type { JourneyEventData, JourneyEventType } from './events';

export type JourneyCommand = {
  [T in JourneyEventType]: {
    type: T;
    /** When it happened in the world: `YYYY-MM-DD`, or `YYYY-MM` when only the month is known. */
    occurredAt: string;
    data: JourneyEventData[T];
    /** The organisation recording it; the write path puts it in the event's metadata. */
    organisationId: string;
  };
}[JourneyEventType];

/** The command that records events of type `T`. */
export type CommandOf<T extends JourneyEventType> = Extract<JourneyCommand, { type: T }>;
