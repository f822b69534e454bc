import { Global, Module } from '@nestjs/common';
import { ErasePersonalDataHandler, JourneyCommands, RecordJourneyEventHandler, RegisterPersonHandler } from './journey-commands';
import { PersonReads } from './person-reads';

/** The write path (its commands' handlers on the CommandBus) and the reads of a person's record, for every route that needs them. */
@Global()
@Module({
  providers: [JourneyCommands, RegisterPersonHandler, RecordJourneyEventHandler, ErasePersonalDataHandler, PersonReads],
  exports: [JourneyCommands, PersonReads],
})
export class ApplicationModule {}
