import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CheckedJourney } from '../auth/checked-journey.decorator';
import { ERASURE_BASES, type ErasureBasis } from '../journey/domain';
import type { LoadedJourney } from '../journey/journey-stream';
import { Code } from '../journey/facts/fields';
import { PersonKeys } from '../personal-data/person-keys';
import { RecordJourneyFactCommand, type RecordedFactAnswer } from '../persons/record-fact/record-fact.command';
import { personIdPipe } from '../persons/person-id.pipe';

export class ErasureRequest {
  @Code(ERASURE_BASES, { description: 'The ground for the erasure (GDPR Art. 17(1)).' })
  basis!: ErasureBasis;
}

export class ErasureResponse {
  @ApiProperty({ description: 'Revision of the PersonalDataErased event' }) revision!: number;
  @ApiProperty({ description: 'Global log position of the PersonalDataErased event' }) position!: number;
}

/**
 * Erasure by crypto-shredding: a PersonalDataErased event (a code, nothing about the person) is appended, then the
 * person's data key is destroyed. The ciphertext stays in the log, so every integrity proof still verifies, but
 * nothing can decrypt it. Asking again destroys the key again (it may have been re-made by a write racing the
 * first erasure) and answers the same event.
 */
@ApiTags('personal data')
@ApiBearerAuth()
@Controller('persons/:personId/erasure')
export class ErasureController {
  constructor(private readonly commandBus: CommandBus, private readonly keys: PersonKeys) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Erase the person\u2019s personal data: destroys their data key; non-personal facts remain' })
  @ApiResponse({ status: 200, type: ErasureResponse })
  @ApiResponse({ status: 404, description: 'No such person (or not one your organisation may access)' })
  async erase(
    @Param('personId', personIdPipe) personId: string,
    @Body() body: ErasureRequest,
    @CurrentActor() actor: Actor,
    @CheckedJourney() journey: LoadedJourney,
  ): Promise<ErasureResponse> {
    const { state, events } = journey;
    let answer: RecordedFactAnswer;
    if (state.personalDataErased) {
      const erasure = [...events].reverse().find((event) => event.type === 'PersonalDataErased')!;
      answer = { revision: erasure.streamRevision, position: erasure.position };
    } else {
      const fact = { type: 'PersonalDataErased' as const, occurredAt: new Date().toISOString().slice(0, 10), data: { basis: body.basis }, organisationId: actor.org };
      answer = await this.commandBus.execute(new RecordJourneyFactCommand(personId, fact, actor, randomUUID(), { journey }));
    }
    await this.keys.destroy(personId);
    return answer;
  }
}
