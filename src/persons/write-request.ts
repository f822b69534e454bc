/**
 * How a route that writes reads its request: the body into a command (with the validation the import uses), and
 * the conditional headers. Field names in errors are the body's own (`scope`, not `data.scope`).
 */
import { type Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Appended, WriteRequest } from '../application/journey-commands';
import { InvalidRequest } from '../application/errors';
import type { CommandOf, JourneyEventType } from '../journey/domain';
import { EVENT_DATA, parseEventData, validateOccurredAt, type FieldError } from '../journey/event-data';

/** The command a route's body asks for: the body is the event's data plus `occurredAt`. */
export function commandFromBody<T extends JourneyEventType>(type: T, body: unknown, organisationId: string): CommandOf<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequest([{ field: 'body', reason: 'must be a JSON object' }]);
  const { occurredAt, ...data } = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  const occurredAtProblem = validateOccurredAt(occurredAt);
  if (occurredAtProblem) errors.push({ field: 'occurredAt', reason: occurredAtProblem });
  const parsed = parseEventData(type, data);
  if (!parsed.ok) errors.push(...parsed.errors.map((error) => ({ ...error, field: bodyField(error.field) })));
  if (errors.length > 0 || !parsed.ok) throw new InvalidRequest(errors);
  return { type, occurredAt, data: parsed.data, organisationId } as CommandOf<T>;
}

/** The data is the body here: `data.scope` is `scope`, and `data` itself the body. */
function bodyField(field: string): string {
  return field === 'data' ? 'body' : field.replace(/^data\./, '');
}

/** If-Match and Idempotency-Key, as a write honours them. */
export function writeConditions(headers: Record<string, string | string[] | undefined>): Omit<WriteRequest, 'command'> {
  return { expectedRevision: expectedRevisionFrom(headers['if-match']), idempotencyKey: idempotencyKeyFrom(headers['idempotency-key']) };
}

/** If-Match: a revision number, bare or as a quoted entity tag. */
export function expectedRevisionFrom(ifMatch: string | string[] | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const match = typeof ifMatch === 'string' ? /^\s*"?(-1|\d{1,15})"?\s*$/.exec(ifMatch) : null;
  if (!match) throw new InvalidRequest([{ field: 'If-Match', reason: 'must be the revision number you last saw' }]);
  return Number(match[1]);
}

export function idempotencyKeyFrom(key: string | string[] | undefined): string | undefined {
  if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))) {
    throw new InvalidRequest([{ field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters' }]);
  }
  return key;
}

export class AppendedResponse implements Appended {
  @ApiProperty({ description: 'Revision of the person\u2019s stream after the write (send it as If-Match next time)' })
  revision!: number;
  @ApiProperty({ description: 'Global log position of the write (ask read models for ?minPosition= this)' })
  position!: number;
}

const documentedBodies = new Map<JourneyEventType, Type<object>>();

/** The documented body of a route recording events of `type`: its data class plus `occurredAt`, one per type. */
export function documentedBody(type: JourneyEventType): Type<object> {
  const known = documentedBodies.get(type);
  if (known) return known;
  class Body extends (EVENT_DATA[type] as Type<object>) {}
  ApiProperty({ type: String, description: 'When it happened: YYYY-MM-DD, or YYYY-MM when only the month is known', example: '2025-03-14' })(
    Body.prototype,
    'occurredAt',
  );
  Object.defineProperty(Body, 'name', { value: `${type}Body` });
  documentedBodies.set(type, Body);
  return Body;
}
