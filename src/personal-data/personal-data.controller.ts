import { Body, Controller, Get, Headers, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { ACCESS_PURPOSES } from '../access-log/access-purpose';
import type { Actor } from '../auth/actor';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CheckedJourney } from '../auth/checked-journey.decorator';
import type { LoadedJourney } from '../journey/journey-stream';
import { badRequest, ruleBroken } from '../http/problem';
import type { Ciphertext, JourneyEventData } from '../journey/domain';
import { FreeTextCharacters, isCalendarDate, PlainCharacters, today } from '../journey/event-data';
import { RecordJourneyFactCommand, type RecordedFactAnswer } from '../persons/record-fact/record-fact.command';
import { personIdPipe } from '../persons/person-id.pipe';
import { expectedRevisionFrom, RecordedFactResponse } from '../persons/record-fact/record-fact.controller';
import { decryptField, encryptField } from './field-cipher';
import { PersonKeys } from './person-keys';

export const PERSONAL_FIELDS = ['fullName', 'dateOfBirth', 'phone', 'address', 'notes'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];
export type PersonalFields = Partial<Record<PersonalField, string>>;

/** Left out means not recorded; null is not "left out". */
const Present = () => ValidateIf((_: object, value: unknown) => value !== undefined);

// Messages name the field, never its value: a refused value must not reach a log or a client's screen.
export class PersonalDataBody implements PersonalFields {
  @ApiPropertyOptional({ maxLength: 200 })
  @Present() @IsString() @IsNotEmpty() @MaxLength(200) @PlainCharacters()
  fullName?: string;

  @ApiPropertyOptional({ format: 'date', example: '1990-04-21' })
  @Present()
  @ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => '$property must be a date that exists, as YYYY-MM-DD' } })
  dateOfBirth?: string;

  @ApiPropertyOptional({ maxLength: 40, example: '+373 22 123456' })
  @Present() @IsString() @Matches(/^\+?[0-9 ()./-]{3,40}$/, { message: '$property must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Present() @IsString() @IsNotEmpty() @MaxLength(500) @PlainCharacters()
  address?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'Free-text case notes' })
  @Present() @IsString() @IsNotEmpty() @MaxLength(4000) @FreeTextCharacters()
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
 * (PersonalDataRecorded carries ciphertext only), decrypted on read for the organisations that may access them.
 * A PUT replaces the whole record: fields left out are no longer part of it.
 */
@ApiTags('personal data')
@ApiBearerAuth()
@Controller('persons/:personId/personal-data')
export class PersonalDataController {
  constructor(private readonly commandBus: CommandBus, private readonly keys: PersonKeys) {}

  @Put()
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: 'Record the person\u2019s personal data (encrypted; replaces what was recorded before)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision you last saw; a mismatch answers 409 and writes nothing' })
  @ApiResponse({ status: 200, type: RecordedFactResponse })
  @ApiResponse({ status: 400, description: 'Invalid fields, or none given' })
  @ApiResponse({ status: 404, description: 'No such person (or not one your organisation may access)' })
  @ApiResponse({ status: 422, description: 'The person\u2019s personal data was erased (`personal_data_erased`)' })
  async record(
    @Param('personId', personIdPipe) personId: string,
    @Body() body: PersonalDataBody,
    @CurrentActor() actor: Actor,
    @CheckedJourney() journey: LoadedJourney,
    @Headers('if-match') ifMatch?: string,
  ): Promise<RecordedFactAnswer> {
    const given = PERSONAL_FIELDS.filter((field) => body[field] !== undefined);
    if (given.length === 0) throw badRequest([{ field: 'body', reason: `must hold at least one of ${PERSONAL_FIELDS.join(', ')}` }]);
    const expectedRevision = expectedRevisionFrom(ifMatch);
    // Checked before a key is made, so that no key is made for a person whose data was erased.
    if (journey.state.personalDataErased) throw ruleBroken('personal_data_erased', 'The person\u2019s personal data was erased');
    const { keyId, key } = await this.keys.forWriting(personId);
    const fields = Object.fromEntries(given.map((field) => [field, encryptField(key, personId, field, body[field] as string)]));
    const data: JourneyEventData['PersonalDataRecorded'] = { fields, keyId };
    const fact = { type: 'PersonalDataRecorded' as const, occurredAt: today(), data, organisationId: actor.org };
    return this.commandBus.execute(new RecordJourneyFactCommand(personId, fact, actor, randomUUID(), { expectedRevision, journey }));
  }

  @Get()
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: 'Read the person\u2019s personal data (the read is recorded in the access log)' })
  @ApiHeader({ name: 'X-Access-Purpose', required: true, enum: [...ACCESS_PURPOSES], description: 'Why you read it' })
  @ApiResponse({ status: 200, type: PersonalDataResponse })
  @ApiResponse({ status: 404, description: 'No such person (or not one your organisation may access)' })
  async read(@Param('personId', personIdPipe) personId: string, @CheckedJourney() { state, events }: LoadedJourney): Promise<PersonalDataResponse> {
    if (state.personalDataErased) return { status: 'erased' };
    const latest = [...events].reverse().find((event) => event.type === 'PersonalDataRecorded');
    if (!latest) return { status: 'none' };
    const { fields, keyId } = latest.data as unknown as JourneyEventData['PersonalDataRecorded'];
    const dataKey = await this.keys.forReading(personId);
    if (!dataKey || dataKey.keyId !== keyId) return { status: 'erased' };
    const values = Object.fromEntries(
      Object.entries(fields)
        .filter(([field]) => (PERSONAL_FIELDS as readonly string[]).includes(field))
        .map(([field, sealed]) => [field, decryptField(dataKey.key, personId, field, sealed as Ciphertext)]),
    );
    return { status: 'recorded', recordedAt: latest.recordedAt, ...values };
  }
}
