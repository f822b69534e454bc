import { Global, Module } from '@nestjs/common';
import { AccessLog } from './access-log';
import { AccessLogController } from './access-log.controller';

/** The access log: written by every read of a person's record (application/person-reads.ts), read by auditors. */
@Global()
@Module({ controllers: [AccessLogController], providers: [AccessLog], exports: [AccessLog] })
export class AccessLogModule {}
