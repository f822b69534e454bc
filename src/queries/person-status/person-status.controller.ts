import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/auth.guard';
import { notFound } from '../../http/problem';
import { personIdPipe } from '../../persons/person-id.pipe';
import { ReadModelPosition, ReadYourWritesQuery } from '../read-your-writes';
import { PersonStatusQuery, type PersonStatusAnswer } from './person-status.query';

@ApiTags('read models')
@ApiBearerAuth()
@Controller('persons/:personId/status')
export class PersonStatusController {
  constructor(
    private readonly query: PersonStatusQuery,
    private readonly readModel: ReadModelPosition,
  ) {}

  @Get()
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: "The person's current status: phase, case, consents, employment, outcomes, contact, flags" })
  @ApiOkResponse({ description: '`{position, status}`: `position` is the global position the answer reflects' })
  async get(@Param('personId', personIdPipe) personId: string, @Query() query: ReadYourWritesQuery): Promise<PersonStatusAnswer> {
    await this.readModel.reached('current_status', query.minPosition);
    const answer = await this.query.run(personId);
    if (!answer) throw notFound('No such person');
    return answer;
  }
}
