import { Module } from '@nestjs/common';
import { CaseloadController } from './caseload/caseload.controller';
import { CaseloadQuery } from './caseload/caseload.query';
import { PersonStatusController } from './person-status/person-status.controller';
import { PersonStatusQuery } from './person-status/person-status.query';
import { PersonTimelineController } from './person-timeline/person-timeline.controller';
import { PersonTimelineQuery } from './person-timeline/person-timeline.query';
import { ReadModelPosition } from './read-your-writes';

/**
 * The read models' routes: `GET /persons/:personId/status`, `GET /persons/:personId/timeline`, `GET /caseload`.
 * Needs, from the app: the EventStore under EVENT_STORE and TypeORM's DataSource; the tables are those
 * ProjectionsModule keeps.
 */
@Module({
  controllers: [PersonStatusController, PersonTimelineController, CaseloadController],
  providers: [ReadModelPosition, PersonStatusQuery, PersonTimelineQuery, CaseloadQuery],
})
export class QueriesModule {}
