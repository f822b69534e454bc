import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ACCESS_PURPOSES } from '../../access-log/access-purpose';
import type { EventStore } from '../../event-store/event-store';
import { EVENT_STORE } from '../../event-store/event-store.tokens';
import { Roles } from '../../auth/auth.guard';
import { notFound } from '../../http/problem';
import { journeyStreamId } from '../../journey/journey-stream';
import { personIdPipe } from '../person-id.pipe';

class PersonEventResponse {
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() schemaVersion!: number;
  @ApiProperty({ description: 'When it happened (day or month precision)' }) occurredAt!: string;
  @ApiProperty({ description: 'When the system learned it' }) recordedAt!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

@ApiTags('journey facts')
@ApiBearerAuth()
@Controller('persons')
export class PersonEventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get(':personId/events')
  @Roles('caseworker', 'programme_manager')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The person\u2019s journey stream, in order (the read is recorded in the access log)' })
  @ApiHeader({ name: 'X-Access-Purpose', required: true, enum: [...ACCESS_PURPOSES], description: 'Why you read it' })
  @ApiResponse({ status: 200, type: PersonEventResponse, isArray: true })
  @ApiResponse({ status: 404, description: 'No such person' })
  async events(@Param('personId', personIdPipe) personId: string): Promise<PersonEventResponse[]> {
    const events: PersonEventResponse[] = [];
    for await (const event of this.store.readStream(journeyStreamId(personId))) {
      const { streamRevision: revision, eventId, type, schemaVersion, occurredAt, recordedAt, position, data } = event;
      events.push({ revision, eventId, type, schemaVersion, occurredAt, recordedAt, position, data });
    }
    if (events.length === 0) throw notFound('No such person');
    return events;
  }
}
