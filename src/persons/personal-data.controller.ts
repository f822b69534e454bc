import { Body, Controller, Get, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { ACCESS_PURPOSES } from '../access-log/access-purpose';
import { InvalidRequest } from '../application/errors';
import { CommandBus } from '@nestjs/cqrs';
import { RecordJourneyEvent, type Appended } from '../application/journey-commands';
import { PersonReads, type PersonRead } from '../application/person-reads';
import { Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { validatedBody } from '../http/validation';
import { isRecordedJourneyEvent, type CommandOf } from '../journey/domain';
import { FreeTextCharacters, isCalendarDate, PlainCharacters, today } from '../journey/event-data';
import { decryptField } from '../personal-data/field-cipher';
import { isCiphertext } from '../personal-data/personal-data-seal';
import { PersonKeys } from '../personal-data/person-keys';
import { personIdPipe } from './person-id.pipe';
import { ReadAccess } from './read-access.decorator';
import { AppendedResponse, expectedRevisionFrom } from './write-request';

export const PERSONAL_FIELDS = ['fullName', 'dateOfBirth', 'phone', 'address', 'notes'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];
export type PersonalFields = Partial<Record<PersonalField, string>>;

/** Left out means not recorded; null is not "left out". */
const Present = () => ValidateIf((_: object, value: unknown) => value !== undefined);

// Messages name the field, never its value: a refused value must not reach a log or a client's screen.
export class PersonalDataBody implements PersonalFields {
  @ApiPropertyOptional({ maxLength: 200 })
  @Present()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @PlainCharacters()
  fullName?: string;

  @ApiPropertyOptional({ format: 'date', example: '1990-04-21' })
  @Present()
  @ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => '$property must be a date that exists, as YYYY-MM-DD' } })
  dateOfBirth?: string;

  @ApiPropertyOptional({ maxLength: 40, example: '+373 22 123456' })
  @Present()
  @IsString()
  @Matches(/^\+?[0-9 ()./-]{3,40}$/, { message: '$property must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Present()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @PlainCharacters()
  address?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'Free-text case notes' })
  @Present()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  @FreeTextCharacters()
  notes?: string;
}

export class PersonalDataResponse implements PersonalFields {
  @ApiProperty({ enum: ['recorded', 'none', 'erased'], description: '`erased`: destroyed by an erasure and unreadable for ever' })
  status!: 'recorded' | 'none' | 'erased';
  @ApiPropertyOptional({ description: 'When the fields shown were recorded' }) recordedAt?: string;
  @ApiPropertyOptional() fullName?: string;
  @ApiPropertyOptional() dateOfBirth?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional() notes?: string;
}

/**
 * A person's personal data: encrypted field by field under their own data key before it becomes an event
 * (PersonalDataRecorded carries ciphertext only, see PersonalDataSeal), decrypted on read for the organisations
 * that may access them. A PUT replaces the whole record: fields left out are no longer part of it.
 */
@ApiTags('personal data')
@ApiBearerAuth()
@Controller('persons/:personId/personal-data')
export class PersonalDataController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: PersonReads,
    private readonly keys: PersonKeys,
  ) {}

  @Put()
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: 'Record the person\u2019s personal data (encrypted; replaces what was recorded before)' })
  @ApiBody({ type: PersonalDataBody })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision you last saw; a mismatch answers 409 and writes nothing' })
  @ApiResponse({ status: 200, type: AppendedResponse })
  @ApiResponse({ status: 400, description: 'Invalid fields, or none given' })
  @ApiResponse({ status: 404, description: 'No such person (or not one your organisation may access)' })
  @ApiResponse({ status: 422, description: 'The person\u2019s personal data was erased (`personal_data_erased`)' })
  record(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() { actor, headers }: AuthenticatedRequest): Promise<Appended> {
    return this.commands.execute(
      new RecordJourneyEvent(personId, actor, async () => {
        const fields = await personalFieldsOf(body);
        const command: CommandOf<'PersonalDataRecorded'> = { type: 'PersonalDataRecorded', occurredAt: today(), data: { fields }, organisationId: actor.org };
        return { command, expectedRevision: expectedRevisionFrom(headers['if-match']) };
      }),
    );
  }

  @Get()
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: 'Read the person\u2019s personal data (the read is recorded in the access log)' })
  @ApiHeader({ name: 'X-Access-Purpose', required: true, enum: [...ACCESS_PURPOSES], description: 'Why you read it' })
  @ApiResponse({ status: 200, type: PersonalDataResponse })
  @ApiResponse({ status: 404, description: 'No such person (or not one your organisation may access)' })
  async read(@Param('personId', personIdPipe) personId: string, @ReadAccess() read: PersonRead): Promise<PersonalDataResponse> {
    const { state, events } = await this.reads.open(personId, read);
    if (state.personalDataErased) return { status: 'erased' };
    const latest = events
      .filter(isRecordedJourneyEvent)
      .reverse()
      .find((event) => event.type === 'PersonalDataRecorded');
    if (latest?.type !== 'PersonalDataRecorded') return { status: 'none' };
    const dataKey = await this.keys.forReading(personId);
    if (!dataKey || dataKey.keyId !== latest.data.keyId) return { status: 'erased' };
    const values = Object.fromEntries(
      Object.entries(latest.data.fields).flatMap(([field, sealed]) =>
        (PERSONAL_FIELDS as readonly string[]).includes(field) && isCiphertext(sealed) ? [[field, decryptField(dataKey.key, personId, field, sealed)]] : [],
      ),
    );
    return { status: 'recorded', recordedAt: latest.recordedAt, ...values };
  }
}

/** The fields a PUT gives, validated; at least one. */
async function personalFieldsOf(body: unknown): Promise<PersonalFields> {
  const valid = await validatedBody(PersonalDataBody, body);
  const given = PERSONAL_FIELDS.filter((field) => valid[field] !== undefined);
  if (given.length === 0) throw new InvalidRequest([{ field: 'body', reason: `must hold at least one of ${PERSONAL_FIELDS.join(', ')}` }]);
  return Object.fromEntries(given.map((field) => [field, valid[field]]));
}
