/** Corrections: the target stays in the log, everything derived honours these. */
import { DataOf as Data } from '../domain/events';
import { AnyObject, EventId, Text } from './fields';

export class EnteredInErrorData implements Data<'EnteredInError'> {
  @EventId({ description: "An event of the same person's journey." })
  targetEventId!: string;

  @Text()
  reason!: string;
}

export class EventCorrectedData implements Data<'EventCorrected'> {
  @EventId({ description: "An event of the same person's journey." })
  targetEventId!: string;

  @Text()
  reason!: string;

  @AnyObject({ description: "The target's data as it should have been, valid for the target's type." })
  correctedData!: Record<string, unknown>;
}
