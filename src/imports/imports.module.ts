import { Module, type DynamicModule } from '@nestjs/common';
import type { Configuration } from '../config/configuration';
import { IMPORT_LIMIT_BYTES, ImportsController } from './imports.controller';
import { bytesOf } from './ndjson-body';

@Module({})
export class ImportsModule {
  static forRoot(config: Pick<Configuration, 'JOURNEY_IMPORT_LIMIT'>): DynamicModule {
    return {
      module: ImportsModule,
      controllers: [ImportsController],
      providers: [{ provide: IMPORT_LIMIT_BYTES, useValue: bytesOf(config.JOURNEY_IMPORT_LIMIT) }],
    };
  }
}
