import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ACCESS_PURPOSES } from '../../access-log/access-purpose';
import { PersonReads, type PersonRead } from '../../application/person-reads';
import { Roles } from '../../auth/auth.guard';
import { notFound } from '../../http/problem';
import { personIdPipe } from '../../persons/person-id.pipe';
import { ReadAccess } from '../../persons/read-access.decorator';
import { CurrentStatusDto } from '../current-status.dto';
import { ReadModelPosition, ReadYourWritesQuery } from '../read-your-writes';
import { PersonStatusQuery, type PersonStatusAnswer } from './person-status.query';

class PersonStatusResponse implements PersonStatusAnswer {
  @ApiProperty({ description: 'The global position the answer reflects' }) position!: number;
  @ApiProperty({ type: CurrentStatusDto }) status!: CurrentStatusDto;
}

@ApiTags('read models')
@ApiBearerAuth()
@Controller('persons/:personId/status')
export class PersonStatusController {
  constructor(
    private readonly query: PersonStatusQuery,
    private readonly readModel: ReadModelPosition,
    private readonly reads: PersonReads,
  ) {}

  @Get()
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: "The person's current status: phase, case, consents, employment, outcomes, contact, flags" })
  @ApiHeader({ name: 'X-Access-Purpose', required: true, enum: [...ACCESS_PURPOSES], description: 'Why you read it' })
  @ApiOkResponse({ type: PersonStatusResponse })
  async get(
    @Param('personId', personIdPipe) personId: string,
    @Query() query: ReadYourWritesQuery,
    @ReadAccess() read: PersonRead,
  ): Promise<PersonStatusAnswer> {
    await this.reads.open(personId, read);
    await this.readModel.reached('current_status', query.minPosition);
    const answer = await this.query.run(personId);
    if (!answer) throw notFound('No such person');
    return answer;
  }
}
