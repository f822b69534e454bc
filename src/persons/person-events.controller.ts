import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ACCESS_PURPOSES } from '../access-log/access-purpose';
import { PersonReads, type PersonRead } from '../application/person-reads';
import { Roles } from '../auth/auth.guard';
import { PersonalDataSeal } from '../personal-data/personal-data-seal';
import { personIdPipe } from './person-id.pipe';
import { ReadAccess } from './read-access.decorator';

class PersonEventResponse {
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() schemaVersion!: number;
  @ApiProperty({ description: 'When it happened (day or month precision)' }) occurredAt!: string;
  @ApiProperty({ description: 'When the system learned it' }) recordedAt!: string;
  @ApiProperty() position!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event\u2019s data; free text (reasons, goals) in plain text, or `{"erased": true}` after the person\u2019s erasure',
  })
  data!: Record<string, unknown>;
}

@ApiTags('journey facts')
@ApiBearerAuth()
@Controller('persons')
export class PersonEventsController {
  constructor(
    private readonly reads: PersonReads,
    private readonly seal: PersonalDataSeal,
  ) {}

  @Get(':personId/events')
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: 'The person\u2019s journey stream, in order (the read is recorded in the access log)' })
  @ApiHeader({ name: 'X-Access-Purpose', required: true, enum: [...ACCESS_PURPOSES], description: 'Why you read it' })
  @ApiResponse({ status: 200, type: PersonEventResponse, isArray: true })
  @ApiResponse({ status: 404, description: 'No such person' })
  async events(@Param('personId', personIdPipe) personId: string, @ReadAccess() read: PersonRead): Promise<PersonEventResponse[]> {
    const { events } = await this.reads.open(personId, read);
    return (await this.seal.open(personId, events)).map(
      ({ streamRevision: revision, eventId, type, schemaVersion, occurredAt, recordedAt, position, data }) => ({
        revision,
        eventId,
        type,
        schemaVersion,
        occurredAt,
        recordedAt,
        position,
        data,
      }),
    );
  }
}
