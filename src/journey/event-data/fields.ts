/**
 * The kinds of field events' data is made of, each one decorator that both validates (class-validator) and documents
 * (OpenAPI), so the two cannot drift apart. Optional fields may be left out but, when present, must be valid
 * (null is not "absent").
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { FreeTextCharacters, isPlainString, PlainCharacters } from './characters';
import { isCalendarDate } from './dates';

export interface FieldOptions {
  description?: string;
  example?: unknown;
  /** Optional always, or optional unless the rest of the object needs it (e.g. a currency when there is an amount). */
  optional?: boolean | ((data: Record<string, unknown>) => boolean);
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const COUNTRY = /^[A-Z]{2}$/;
const AGE_BAND = /^\d{1,3}(-\d{1,3}|\+)$/;
const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const TEXT_MAX = 1000;
const NAME_MAX = 200;
const FINITE = { allowNaN: false, allowInfinity: false };

function field(api: ApiPropertyOptions, options: FieldOptions, ...rules: PropertyDecorator[]): PropertyDecorator {
  const doc = { ...api, description: options.description, example: options.example } as ApiPropertyOptions;
  const { optional } = options;
  if (!optional) return applyDecorators(ApiProperty(doc), IsDefined({ message: '$property is required' }), ...rules);
  const required = optional === true ? () => false : (data: Record<string, unknown>) => !optional(data);
  return applyDecorators(
    ApiPropertyOptional(doc),
    ValidateIf((data: Record<string, unknown>, value: unknown) => value !== undefined || required(data)),
    ...rules,
  );
}

/** One code of a closed list. */
export const Code = (values: readonly string[], options: FieldOptions = {}) => field({ type: String, enum: [...values] }, options, IsIn(values));

/** Codes of a closed list, at least one, none twice. */
export const Codes = (values: readonly string[], options: FieldOptions = {}) =>
  field({ type: String, enum: [...values], isArray: true }, options, IsArray(), ArrayMinSize(1), ArrayUnique(), IsIn(values, { each: true }));

/** An open code such as a service type: snake_case. */
export const SnakeCode = (options: FieldOptions = {}) =>
  field(
    { type: String, pattern: SNAKE_CASE.source, maxLength: 64 },
    options,
    IsString(),
    MaxLength(64),
    Matches(SNAKE_CASE, { message: '$property must be a snake_case code (e.g. legal_aid)' }),
  );

export const SnakeCodes = (options: FieldOptions = {}) =>
  field(
    { type: String, pattern: SNAKE_CASE.source, isArray: true },
    options,
    IsArray(),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(SNAKE_CASE, { each: true, message: '$property must hold snake_case codes (e.g. agriculture)' }),
  );

/** An ISO 3166-1 alpha-2 country code, in capitals, that exists. */
export const CountryCode = (options: FieldOptions = {}) =>
  field(
    { type: String, pattern: COUNTRY.source, example: 'AL' },
    options,
    IsString(),
    Matches(COUNTRY, { message: '$property must be two capital letters (ISO 3166-1 alpha-2)' }),
    IsISO31661Alpha2({ message: '$property must be an ISO 3166-1 alpha-2 country code' }),
  );

export const CurrencyCode = (options: FieldOptions = {}) => field({ type: String, example: 'EUR' }, options, IsISO4217CurrencyCode());

/** A day that exists: `YYYY-MM-DD`. */
export const CalendarDate = (options: FieldOptions = {}) =>
  field(
    { type: String, format: 'date' },
    options,
    ValidateBy({
      name: 'isCalendarDate',
      validator: { validate: isCalendarDate, defaultMessage: () => '$property must be a date that exists, as YYYY-MM-DD' },
    }),
  );

/**
 * Free text that a person types, short. The domain lists every such field (domain/free-text.ts), which are stored
 * sealed under the person's data key; free-text.spec.ts checks that list against these fields.
 */
export const Text = (options: FieldOptions = {}) =>
  field({ type: String, maxLength: TEXT_MAX }, options, IsString(), IsNotEmpty(), MaxLength(TEXT_MAX), FreeTextCharacters());

/** A name or identifier chosen outside this system (organisation, referral, instrument, scoring version...). */
export const Name = (options: FieldOptions = {}) =>
  field({ type: String, maxLength: NAME_MAX }, options, IsString(), IsNotEmpty(), MaxLength(NAME_MAX), PlainCharacters());

export const EventId = (options: FieldOptions = {}) =>
  field({ type: String, format: 'uuid' }, options, IsUUID(undefined, { message: '$property must be an event id (UUID)' }));

export const Amount = (options: FieldOptions = {}) => field({ type: Number, minimum: 0 }, options, IsNumber(FINITE), Min(0));

export const WholeNumber = (min: number, max: number, options: FieldOptions = {}) =>
  field({ type: 'integer', minimum: min, maximum: max }, options, IsInt(), Min(min), Max(max));

/** A year of birth: from 1900 to this year (checked when validating, not when the process started). */
export const BirthYear = (options: FieldOptions = {}) =>
  field(
    { type: 'integer', minimum: 1900 },
    options,
    IsInt(),
    Min(1900),
    ValidateBy({
      name: 'isNotAfterThisYear',
      validator: {
        validate: (value) => typeof value === 'number' && value <= new Date().getUTCFullYear(),
        defaultMessage: () => '$property must not be after this year',
      },
    }),
  );

/** An age band when the year of birth is not known: `18-24`, `65+`. */
export const AgeBand = (options: FieldOptions = {}) =>
  field(
    { type: String, pattern: AGE_BAND.source, example: '18-24' },
    options,
    IsString(),
    Matches(AGE_BAND, { message: '$property must be an age band such as 18-24 or 65+' }),
  );

/** A score between 0 and 1. */
export const Score = (options: FieldOptions = {}) => field({ type: Number, minimum: 0, maximum: 1 }, options, IsNumber(FINITE), Min(0), Max(1));

export const Flag = (options: FieldOptions = {}) => field({ type: Boolean }, options, IsBoolean());

/** A scalar answer: a finite number, a non-empty string, or a boolean. */
export const Answer = (options: FieldOptions = {}) =>
  field(
    { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] },
    options,
    ValidateBy({
      name: 'isAnswer',
      validator: { validate: isAnswer, defaultMessage: () => '$property must be a number, a non-empty string without control characters, or a boolean' },
    }),
  );

/** The schema of an answer: a number, a string or a boolean. */
export const ANSWER_SCHEMA = { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] };

/** An answer, or an object of named answers. */
export const Result = (options: FieldOptions = {}) =>
  field(
    { oneOf: [...ANSWER_SCHEMA.oneOf, { type: 'object', additionalProperties: ANSWER_SCHEMA }] },
    options,
    ValidateBy({
      name: 'isResult',
      validator: {
        validate: (value) => isAnswer(value) || isKeyedBy(value, isAnswer),
        defaultMessage: () => '$property must be an answer (number, string without control characters, boolean) or an object of named answers',
      },
    }),
  );

/** An object whose keys are codes and whose values all pass `check`, e.g. RSS item answers. */
export const KeyedBy = (check: (value: unknown) => boolean, valueSchema: Record<string, unknown>, expected: string, options: FieldOptions = {}) =>
  field(
    { type: 'object', additionalProperties: valueSchema },
    options,
    ValidateBy({
      name: 'isKeyedBy',
      validator: {
        validate: (value) => isKeyedBy(value, check),
        defaultMessage: () => `$property must be an object of code keys (letters, digits, _) each holding ${expected}`,
      },
    }),
  );

/** Any JSON object (checked elsewhere against what it stands for). */
export const AnyObject = (options: FieldOptions = {}) => field({ type: 'object', additionalProperties: true }, options, IsObject());

/**
 * One nested object, or with `each` a non-empty array of them, of a class with its own validation. OpenAPI needs
 * the class by a function named `type` (how @nestjs/swagger tells a lazy type from a class): a property's arrow.
 */
export const Nested = (type: () => new () => object, options: FieldOptions & { each?: boolean } = {}) => {
  const api: ApiPropertyOptions = { type: () => type() };
  return options.each
    ? field({ ...api, isArray: true }, options, IsArray(), ArrayMinSize(1), ValidateNested({ each: true }), Type(type))
    : field(api, options, IsObject(), ValidateNested(), Type(type));
};

/** Present exactly when `when` holds of the object, e.g. the organisation a sharing consent names. */
export function NameRequiredOnlyWhen(when: (data: Record<string, unknown>) => boolean, condition: string, description: string) {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      maxLength: NAME_MAX,
      description: `${description} Required ${condition}, forbidden otherwise.`,
    }),
    ValidateBy({
      name: 'requiredOnlyWhen',
      validator: {
        validate: (value, args) =>
          when(args!.object as Record<string, unknown>) ? typeof value === 'string' && value.length > 0 && value.length <= NAME_MAX : value === undefined,
        defaultMessage: (args) =>
          when(args!.object as Record<string, unknown>) ? `$property is required ${condition}` : `$property is allowed only ${condition}`,
      },
    }),
    PlainCharacters(),
  );
}

function isAnswer(value: unknown): boolean {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    (isPlainString(value) && value.length > 0 && value.length <= TEXT_MAX) ||
    typeof value === 'boolean'
  );
}

function isKeyedBy(value: unknown, check: (value: unknown) => boolean): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([key, item]) => KEY.test(key) && check(item));
}
