import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { ErasePersonalData, type Appended } from '../application/journey-commands';
import type { Actor } from '../auth/actor';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { validatedBody } from '../http/validation';
import { ERASURE_BASES, type ErasureBasis } from '../journey/domain';
import { Code } from '../journey/event-data/fields';
import { personIdPipe } from '../persons/person-id.pipe';

export class ErasureRequestBody {
  @Code(ERASURE_BASES, { description: 'The ground for the erasure (GDPR Art. 17(1)).' })
  basis!: ErasureBasis;
}

export class ErasureResponse implements Appended {
  @ApiProperty({ description: 'Revision of the PersonalDataErased event' }) revision!: number;
  @ApiProperty({ description: 'Global log position of the PersonalDataErased event' }) position!: number;
}

/** `POST /persons/:personId/erasure`: sends ErasePersonalData; see JourneyCommands.erase for how it is all or nothing. */
@ApiTags('personal data')
@ApiBearerAuth()
@Controller('persons/:personId/erasure')
export class ErasureController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Erase the person\u2019s personal data and free text: destroys their data key; non-personal facts remain' })
  @ApiBody({ type: ErasureRequestBody })
  @ApiResponse({ status: 200, type: ErasureResponse })
  @ApiResponse({ status: 404, description: 'No such person (or not one your organisation may access)' })
  @ApiResponse({ status: 422, description: 'Only the organisation holding the case erases (`holding_organisation_only`)' })
  erase(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<ErasureResponse> {
    return this.commands.execute(new ErasePersonalData(personId, actor, async () => (await validatedBody(ErasureRequestBody, body)).basis));
  }
}
