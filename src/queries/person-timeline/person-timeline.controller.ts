import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches, ValidateBy } from 'class-validator';
import type { PointKind, TimelinePoint } from '../../../projections/outcome-timeline';
import { ACCESS_PURPOSES } from '../../access-log/access-purpose';
import { PersonReads, type PersonRead } from '../../application/person-reads';
import { Roles } from '../../auth/auth.guard';
import { notFound } from '../../http/problem';
import type { Answer } from '../../journey/domain/events';
import { isCalendarDayOrMonth } from '../../journey/event-data';
import { ANSWER_SCHEMA } from '../../journey/event-data/fields';
import { personIdPipe } from '../../persons/person-id.pipe';
import { ReadAccess } from '../../persons/read-access.decorator';
import { ReadModelPosition, ReadYourWritesQuery } from '../read-your-writes';
import { PersonTimelineQuery, type PersonTimelineAnswer } from './person-timeline.query';

/** A bound of the range: a day or a month that exists (a day the calendar lacks is no bound, and no date for SQL). */
const DayOrMonth = () =>
  ValidateBy({
    name: 'isCalendarDayOrMonth',
    validator: { validate: isCalendarDayOrMonth, defaultMessage: () => '$property must be a date that exists, as YYYY-MM-DD or YYYY-MM' },
  });

export class PersonTimelineParams extends ReadYourWritesQuery {
  @ApiPropertyOptional({
    description: 'One series: an outcome domain code, `rss`, or a status (`employment`, `case`, `contact`, `return`, `residence_permit`, `re_trafficking`)',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z_]{1,40}$/, { message: 'domain must be a snake_case code' })
  domain?: string;

  @ApiPropertyOptional({ description: 'From this date (YYYY-MM-DD or YYYY-MM), inclusive, by when it happened' })
  @IsOptional()
  @DayOrMonth()
  from?: string;

  @ApiPropertyOptional({ description: 'Up to this date (YYYY-MM-DD or YYYY-MM), inclusive' })
  @IsOptional()
  @DayOrMonth()
  to?: string;
}

class TimelinePointDto implements Omit<TimelinePoint, 'personId'> {
  @ApiProperty({ format: 'uuid', description: 'The event that put the point here' }) eventId!: string;
  @ApiProperty({ description: 'Index of the point among those of its event (an RSS round gives four)' }) seq!: number;
  @ApiProperty({ enum: ['outcome', 'status', 'service'] }) kind!: PointKind;
  @ApiProperty({ description: 'The series: an outcome domain code, `rss`, or a status' }) domain!: string;
  @ApiProperty() indicator!: string;
  @ApiProperty(ANSWER_SCHEMA) value!: Answer;
  @ApiProperty({ description: 'YYYY-MM-DD or YYYY-MM, as recorded' }) occurredAt!: string;
  @ApiProperty({ description: 'When the system learned it' }) recordedAt!: string;
  @ApiProperty() position!: number;
}

class PersonTimelineResponse implements PersonTimelineAnswer {
  @ApiProperty({ description: 'The global position the answer reflects' }) position!: number;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ type: [TimelinePointDto], description: 'In date order' }) points!: TimelinePointDto[];
}

@ApiTags('read models')
@ApiBearerAuth()
@Controller('persons/:personId/timeline')
export class PersonTimelineController {
  constructor(
    private readonly query: PersonTimelineQuery,
    private readonly readModel: ReadModelPosition,
    private readonly reads: PersonReads,
  ) {}

  @Get()
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: "The person's dated outcome and status points over the years, in date order" })
  @ApiHeader({ name: 'X-Access-Purpose', required: true, enum: [...ACCESS_PURPOSES], description: 'Why you read it' })
  @ApiOkResponse({ type: PersonTimelineResponse })
  async get(
    @Param('personId', personIdPipe) personId: string,
    @Query() params: PersonTimelineParams,
    @ReadAccess() read: PersonRead,
  ): Promise<PersonTimelineAnswer> {
    await this.reads.open(personId, read);
    await this.readModel.reached('outcome_timeline', params.minPosition);
    const answer = await this.query.run(personId, { domain: params.domain, from: params.from, to: params.to });
    if (!answer) throw notFound('No such person');
    return answer;
  }
}
