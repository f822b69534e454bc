import { Module } from '@nestjs/common';
import { PersonEventsController } from './person-events.controller';
import { PersonalDataController } from './personal-data.controller';
import { RecordEventController } from './record-event.controller';
import { RegisterPersonController } from './register-person.controller';

/** The routes of a person's record: registration, the events recorded about them, their personal data. */
@Module({ controllers: [RegisterPersonController, RecordEventController, PersonEventsController, PersonalDataController] })
export class PersonsModule {}
