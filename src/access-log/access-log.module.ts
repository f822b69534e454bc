import { Module } from '@nestjs/common';
import { AccessLogController } from './access-log.controller';

/** The auditors' view of the access log; the log itself is written by AuthGuard (AuthModule provides AccessLog). */
@Module({ controllers: [AccessLogController] })
export class AccessLogModule {}
