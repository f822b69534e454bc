import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Configuration } from '../config/configuration';
import { KEY_ENCRYPTION_KEY, LocalKeyEncryptionKey } from './key-encryption-key';
import { PersonalDataController } from './personal-data.controller';
import { FreeTextSeal } from './free-text-seal';
import { PersonKeys } from './person-keys';

/**
 * Encrypted personal data and free text. PersonKeys is global so that every user of persons' keys (facts with free
 * text, erasure) shares one cache.
 * The key-encryption key is the local one (env or file); a KMS client implementing KeyEncryptionKey goes here.
 */
@Global()
@Module({})
export class PersonalDataModule {
  static forRoot(config: Pick<Configuration, 'JOURNEY_KEK' | 'JOURNEY_KEK_FILE' | 'JOURNEY_DATA_DIR'>): DynamicModule {
    return {
      module: PersonalDataModule,
      controllers: [PersonalDataController],
      providers: [{ provide: KEY_ENCRYPTION_KEY, useFactory: () => LocalKeyEncryptionKey.load(config) }, PersonKeys, FreeTextSeal],
      exports: [PersonKeys, FreeTextSeal],
    };
  }
}
