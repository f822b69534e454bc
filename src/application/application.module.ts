import { Global, Module } from '@nestjs/common';
import { JourneyCommands } from './journey-commands';
import { PersonReads } from './person-reads';

/** The write path and the reads of a person's record, for every route that needs them. */
@Global()
@Module({ providers: [JourneyCommands, PersonReads], exports: [JourneyCommands, PersonReads] })
export class ApplicationModule {}
