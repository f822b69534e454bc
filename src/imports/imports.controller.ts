import { Controller, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProperty, ApiQuery, ApiResponse, ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import { Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { InvalidRequest } from '../application/errors';
import { unsupportedMediaType } from '../http/problem';
import { PersonalDataSeal } from '../personal-data/personal-data-seal';
import { MAX_LISTED_ERRORS } from './bad-lines';
import { importJourneys, type ImportSummary } from './import-journeys';
import { NdjsonBody, NDJSON_TYPES } from './ndjson-body';

/** The most bytes an import's body may hold, decompressed (JOURNEY_IMPORT_LIMIT). */
export const IMPORT_LIMIT_BYTES = Symbol('ImportLimitBytes');

class ImportSummaryResponse implements ImportSummary {
  @ApiProperty({ description: 'Persons the file is about' }) persons!: number;
  @ApiProperty({ description: 'Events in the file' }) events!: number;
  @ApiProperty({ description: 'Events new to the log: 0 when the same file is imported again, and on a dry run' }) written!: number;
  @ApiProperty() dryRun!: boolean;
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sealer: PersonalDataSeal,
    @Inject(IMPORT_LIMIT_BYTES) private readonly limitBytes: number,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('programme_manager')
  @ApiOperation({
    summary: 'Bulk import of journey facts, one NDJSON line per fact',
    description:
      'Line: {"eventId"?: uuid, "personId": uuid, "type": "<EventType>", "occurredAt": "YYYY-MM-DD"|"YYYY-MM", "organisationId": string, "data": {...}}. ' +
      'Every line goes through the same rules as the API; if any line is bad nothing is written, the errors of the first bad lines are listed ' +
      `(${MAX_LISTED_ERRORS} at most) and moreBadLines counts the others. The body is read as a stream and may be compressed (gzip, deflate, br). ` +
      'Importing the same file again writes nothing new.',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string' } })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  @ApiResponse({ status: 200, type: ImportSummaryResponse })
  @ApiResponse({ status: 400, description: '{errors: [{line, field, reason}], moreBadLines} — nothing was written' })
  @ApiResponse({ status: 413, description: 'the body, decompressed, is larger than JOURNEY_IMPORT_LIMIT — nothing was written' })
  async importEvents(@Req() request: AuthenticatedRequest, @Query('dryRun') dryRun?: string): Promise<ImportSummary> {
    if (!request.is(NDJSON_TYPES)) throw unsupportedMediaType('Send the file as application/x-ndjson');
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') throw new InvalidRequest([{ field: 'dryRun', reason: 'must be true or false' }]);
    const { actor } = request;
    const lines = new NdjsonBody(request, this.limitBytes);
    return importJourneys(lines, this.store, { dryRun: dryRun === 'true', actor: actor.sub, organisationId: actor.org, sealer: this.sealer });
  }
}
