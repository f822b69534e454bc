import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Configuration } from '../config/configuration';
import { KEY_ENCRYPTION_KEY, LocalKeyEncryptionKey } from './key-encryption-key';
import { PersonalDataSeal } from './personal-data-seal';
import { PersonKeys } from './person-keys';

/**
 * Persons' data keys and what is sealed under them. Global, so that every user of persons' keys (the write path,
 * reads of personal data and free text) shares one cache.
 * The key-encryption key is the local one (env or file); a KMS client implementing KeyEncryptionKey goes here.
 */
@Global()
@Module({})
export class PersonalDataModule {
  static forRoot(config: Pick<Configuration, 'JOURNEY_KEK' | 'JOURNEY_KEK_FILE' | 'JOURNEY_DATA_DIR'>): DynamicModule {
    return {
      module: PersonalDataModule,
      providers: [{ provide: KEY_ENCRYPTION_KEY, useFactory: () => LocalKeyEncryptionKey.load(config) }, PersonKeys, PersonalDataSeal],
      exports: [PersonKeys, PersonalDataSeal],
    };
  }
}
