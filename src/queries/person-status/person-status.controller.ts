import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { notFound } from '../../http/problem';
import { ReadModelPosition, ReadYourWritesQuery } from '../read-your-writes';
import { PersonStatusQuery, type PersonStatusAnswer } from './person-status.query';

@ApiTags('read models')
@Controller('persons/:personId/status')
export class PersonStatusController {
  constructor(
    private readonly query: PersonStatusQuery,
    private readonly readModel: ReadModelPosition,
  ) {}

  @Get()
  @ApiOperation({ summary: "The person's current status: phase, case, consents, employment, outcomes, contact, flags" })
  @ApiOkResponse({ description: '`{position, status}`: `position` is the global position the answer reflects' })
  async get(@Param('personId', new ParseUUIDPipe()) personId: string, @Query() query: ReadYourWritesQuery): Promise<PersonStatusAnswer> {
    await this.readModel.reached('current_status', query.minPosition);
    const answer = await this.query.run(personId);
    if (!answer) throw notFound('No such person');
    return answer;
  }
}
