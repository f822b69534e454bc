/** Identity and consent. */
import { Ciphertext, DataOf as Data } from '../domain/events';
import { CONSENT_SCOPES, ConsentScope, ERASURE_BASES, ErasureBasis, Gender, GENDERS, SHARING_OVERRIDE_BASES, SharingOverrideBasis } from '../domain/vocabulary';
import { AgeBand, BirthYear, Code, CountryCode, KeyedBy, Name, NameRequiredOnlyWhen } from './fields';

export class PersonRegisteredData implements Data<'PersonRegistered'> {
  @Code(GENDERS)
  gender!: Gender;

  @BirthYear({ optional: true })
  birthYear?: number;

  @AgeBand({ optional: true, description: 'When the year of birth is not known.' })
  ageBand?: string;

  @CountryCode({ description: 'ISO 3166-1 alpha-2.' })
  citizenship!: string;

  @Name({ optional: true, description: "The programme's own pseudonymous code for the person; never a name." })
  pseudonymCode?: string;
}

const isCiphertext = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).sort().join() === 'ciphertext,iv,tag' &&
  Object.values(value).every((part) => typeof part === 'string' && part.length > 0);

export class PersonalDataRecordedData implements Data<'PersonalDataRecorded'> {
  @KeyedBy(
    isCiphertext,
    {
      type: 'object',
      properties: { ciphertext: { type: 'string' }, iv: { type: 'string' }, tag: { type: 'string' } },
      required: ['ciphertext', 'iv', 'tag'],
      additionalProperties: false,
    },
    'exactly {ciphertext, iv, tag} as non-empty strings',
    { description: 'Encrypted personal fields by name; opaque here.' },
  )
  fields!: Record<string, Ciphertext>;

  @Name({ optional: true, description: 'Which key encrypted the fields.' })
  keyId?: string;
}

export class PersonalDataErasedData implements Data<'PersonalDataErased'> {
  @Code(ERASURE_BASES, { description: 'The ground for the erasure (GDPR Art. 17(1)).' })
  basis!: ErasureBasis;
}

const isSharing = (data: Record<string, unknown>) => data.scope === 'sharing';

class ConsentData {
  @Code(CONSENT_SCOPES)
  scope!: ConsentScope;

  @NameRequiredOnlyWhen(isSharing, 'for scope sharing', 'The organisation the data is shared with.')
  organisationId?: string;
}

export class ConsentGrantedData extends ConsentData implements Data<'ConsentGranted'> {}

export class ConsentWithdrawnData extends ConsentData implements Data<'ConsentWithdrawn'> {}

export class SharingOverrideRecordedData implements Data<'SharingOverrideRecorded'> {
  @Name({ description: 'The organisation the case may be shared with, referred or transferred to.' })
  organisationId!: string;

  @Code(SHARING_OVERRIDE_BASES, { description: 'The lawful basis that stands in for the sharing consent.' })
  basis!: SharingOverrideBasis;
}
