import { Body, Controller, Headers, HttpCode, Param, Post, type Type } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Actor, Role } from '../../auth/actor';
import { Roles } from '../../auth/auth.guard';
import { CheckedJourney } from '../../auth/checked-journey.decorator';
import { CurrentActor } from '../../auth/current-actor.decorator';
import { badRequest } from '../../http/problem';
import { type JourneyEventType, type JourneyCommand } from '../../journey/domain';
import { EVENT_DATA, parseEventData, validateOccurredAt } from '../../journey/event-data';
import type { LoadedJourney } from '../../journey/journey-stream';
import { personIdPipe } from '../person-id.pipe';
import { RecordJourneyFactCommand, type RecordedFactAnswer } from './record-fact.command';

export class RecordedFactResponse implements RecordedFactAnswer {
  @ApiProperty({ description: 'Revision of the person\u2019s stream after the write (send it as If-Match next time)' })
  revision!: number;
  @ApiProperty({ description: 'Global log position of the write (ask read models for ?minPosition= this)' })
  position!: number;
}


/**
 * Turns an HTTP body (`occurredAt` + the fact's data) into a JourneyCommand, with the same validation the import uses.
 * Field names in errors are the body's own (`scope`, not `data.scope`).
 */
export function factFromBody(type: JourneyEventType, body: unknown, actor: Actor): JourneyCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest([{ field: 'body', reason: 'must be a JSON object' }]);
  const { occurredAt, ...data } = body as Record<string, unknown>;
  const errors = [];
  const occurredAtProblem = validateOccurredAt(occurredAt);
  if (occurredAtProblem) errors.push({ field: 'occurredAt', reason: occurredAtProblem });
  const parsed = parseEventData(type, data);
  if (!parsed.ok) errors.push(...parsed.errors.map((error) => ({ ...error, field: bodyField(error.field) })));
  if (errors.length > 0 || !parsed.ok) throw badRequest(errors);
  return { type, occurredAt: occurredAt as string, data: parsed.data, organisationId: actor.org } as JourneyCommand;
}

/** The data is the body here: `data.scope` is `scope`, and `data` itself the body. */
function bodyField(field: string): string {
  return field === 'data' ? 'body' : field.replace(/^data\./, '');
}

/** If-Match: a revision number, bare or as a quoted entity tag. */
export function expectedRevisionFrom(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const match = /^\s*"?(-1|\d{1,15})"?\s*$/.exec(ifMatch);
  if (!match) throw badRequest([{ field: 'If-Match', reason: 'must be the revision number you last saw' }]);
  return Number(match[1]);
}

export function idempotencyKeyFrom(key: string | undefined): string | undefined {
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw badRequest([{ field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters' }]);
  }
  return key;
}

@ApiTags('journey facts')
@ApiBearerAuth()
@Controller('persons')
export class RecordFactController {
  constructor(readonly commandBus: CommandBus) {}

  record(type: JourneyEventType, personId: string, body: unknown, actor: Actor, journey: LoadedJourney, ifMatch?: string, idempotencyKey?: string) {
    const command = new RecordJourneyFactCommand(personId, factFromBody(type, body, actor), actor, randomUUID(), {
      expectedRevision: expectedRevisionFrom(ifMatch),
      idempotencyKey: idempotencyKeyFrom(idempotencyKey),
      journey,
    });
    return this.commandBus.execute<RecordJourneyFactCommand, RecordedFactAnswer>(command);
  }
}

/** Caseworkers and programme managers record facts; closing a case is the programme manager's decision. */
function rolesRecording(type: JourneyEventType): Role[] {
  return type === 'CaseClosed' ? ['programme_manager'] : ['caseworker', 'programme_manager'];
}

/**
 * One route per fact, `POST /persons/:personId/<route>`, generated from the fact registry so that the routes, their
 * OpenAPI bodies and the import accept exactly the same facts.
 */
for (const [type, fact] of Object.entries(EVENT_DATA) as [JourneyEventType, (typeof EVENT_DATA)[JourneyEventType]][]) {
  if (!fact.route) continue;
  const name = `record${type}`;
  const prototype = RecordFactController.prototype as unknown as Record<string, unknown>;
  prototype[name] = function (
    this: RecordFactController,
    personId: string,
    body: unknown,
    actor: Actor,
    journey: LoadedJourney,
    ifMatch?: string,
    key?: string,
  ) {
    return this.record(type, personId, body, actor, journey, ifMatch, key);
  };
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name) as PropertyDescriptor;
  Reflect.defineMetadata('design:paramtypes', [String, Object, Object, Object, String, String], prototype, name);
  Param('personId', personIdPipe)(prototype, name, 0);
  Body()(prototype, name, 1);
  CurrentActor()(prototype, name, 2);
  CheckedJourney()(prototype, name, 3);
  Headers('if-match')(prototype, name, 4);
  Headers('idempotency-key')(prototype, name, 5);
  const decorators: MethodDecorator[] = [
    Post(`:personId/${fact.route}`),
    HttpCode(201),
    Roles(...rolesRecording(type)),
    ApiOperation({ summary: `Record ${type}`, description: 'Body: the fact\u2019s data plus `occurredAt` (YYYY-MM-DD or YYYY-MM).' }),
    ApiBody({ type: bodyClassFor(type, fact.data) }),
    ApiHeader({ name: 'If-Match', required: false, description: 'The revision you last saw; a mismatch answers 409 and writes nothing' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key writes nothing new and answers as the first time' }),
    ApiResponse({ status: 201, type: RecordedFactResponse }),
    ApiResponse({ status: 400, description: 'Invalid fields (application/problem+json, `errors` names each)' }),
    ApiResponse({ status: 404, description: 'No such person' }),
    ApiResponse({ status: 409, description: 'If-Match mismatch or a concurrent write; nothing was written' }),
    ApiResponse({ status: 422, description: 'A rule of the journey was broken (`rule` names it)' }),
  ];
  for (const decorate of decorators) decorate(prototype, name, descriptor);
  Object.defineProperty(prototype, name, descriptor);
}

/** The documented body: the fact's data class plus `occurredAt`. */
export function bodyClassFor(type: string, data: Type<object>): Type<object> {
  class FactBody extends (data as Type<object>) {}
  ApiProperty({ type: String, description: 'When it happened: YYYY-MM-DD, or YYYY-MM when only the month is known', example: '2025-03-14' })(
    FactBody.prototype,
    'occurredAt',
  );
  Object.defineProperty(FactBody, 'name', { value: `${type}Body` });
  return FactBody;
}
