import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../auth/actor';
import { Roles } from '../../auth/auth.guard';
import { CurrentActor } from '../../auth/current-actor.decorator';
import { nameBasedUuid } from '../../journey/event-id';
import { EVENT_DATA } from '../../journey/event-data';
import { RecordJourneyFactCommand, type RecordedFactAnswer } from '../record-fact/record-fact.command';
import { bodyClassFor, factFromBody, idempotencyKeyFrom, RecordedFactResponse } from '../record-fact/record-fact.controller';

class RegisteredPersonResponse extends RecordedFactResponse {
  @ApiProperty({ description: 'The new person\u2019s pseudonymous id (a random UUID)', format: 'uuid' })
  personId!: string;
}

@ApiTags('journey facts')
@ApiBearerAuth()
@Controller('persons')
export class RegisterPersonController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: 'Register a person: opens their journey stream under a new pseudonymous id' })
  @ApiBody({ type: bodyClassFor('PersonRegistered', EVENT_DATA.PersonRegistered.data) })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key registers nobody new and answers as the first time' })
  @ApiResponse({ status: 201, type: RegisteredPersonResponse })
  @ApiResponse({ status: 400, description: 'Invalid fields (application/problem+json, `errors` names each)' })
  async register(
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RegisteredPersonResponse> {
    const key = idempotencyKeyFrom(idempotencyKey);
    // With a key, a retry must land on the same person, so the id is derived from it; otherwise it is random.
    const personId = key ? nameBasedUuid('person', actor.org, key) : randomUUID();
    const command = new RecordJourneyFactCommand(personId, factFromBody('PersonRegistered', body, actor), actor, randomUUID(), { idempotencyKey: key });
    const answer = await this.commandBus.execute<RecordJourneyFactCommand, RecordedFactAnswer>(command);
    return { personId, ...answer };
  }
}
