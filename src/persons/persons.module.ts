import { Module } from '@nestjs/common';
import { PersonEventsController } from './person-events/person-events.controller';
import { RecordFactController } from './record-fact/record-fact.controller';
import { RecordJourneyFactHandler } from './record-fact/record-fact.handler';
import { RegisterPersonController } from './register-person/register-person.controller';

@Module({
  controllers: [RegisterPersonController, RecordFactController, PersonEventsController],
  providers: [RecordJourneyFactHandler],
})
export class PersonsModule {}
