import { Global, Module } from '@nestjs/common';
import { LedgerMetrics } from './metrics';
import { MetricsController } from './metrics.controller';

/** One registry of figures that every module counts into, served at `GET /metrics`. */
@Global()
@Module({ controllers: [MetricsController], providers: [LedgerMetrics], exports: [LedgerMetrics] })
export class MetricsModule {}
