import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  validateSync,
  type ValidationArguments,
} from 'class-validator';
import {
  AGE_BANDS,
  DEFAULT_K,
  DEFAULT_WINDOW_MONTHS,
  GROUPINGS,
  MEASURE_KINDS,
  type Achievement,
  type AgeBand,
  type CohortDefinition,
  type CohortFilters,
  type Grouping,
  type Measure,
} from '../../projections/cohort/definition';
import { COHORT_ENTRY_TYPES } from '../../projections/cohort-facts';
import { fieldErrors } from '../http/validation';
import type { Answer, JourneyEventType } from '../journey/domain/events';
import { DOMAINS, GENDERS } from '../journey/domain/vocabulary';
import { isPlainString } from '../journey/event-data/characters';
import { isCalendarDayOrMonth } from '../journey/event-data/dates';
import type { FieldError } from '../journey/event-data';

// Bounds that keep one report's work and size in reason; far beyond any study's needs.
const MAX_MEASURES = 20;
const MAX_OFFSETS = 24;
const MAX_MONTHS = 600;
const MAX_WHERE_KEYS = 20;
const MAX_FILTER_VALUES = 300;

const DAY_OR_MONTH = 'must be a date as YYYY-MM-DD, or YYYY-MM for the first day of that month';
/** An instant with its time zone: a date alone would leave "as known at" a day's worth of events ambiguous. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

const isAnswer = (value: unknown): value is Answer =>
  (typeof value === 'string' && isPlainString(value) && value.length <= 200) ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/** A class-validator rule whose message says exactly what is wrong: `reasonOf` gives it, or null when all is well. */
function Checked(name: string, reasonOf: (value: unknown, args: ValidationArguments) => string | null) {
  return ValidateBy({
    name,
    validator: {
      validate: (value, args) => reasonOf(value, args as ValidationArguments) === null,
      defaultMessage: (args) => `$property ${reasonOf(args?.value, args as ValidationArguments) ?? 'is invalid'}`,
    },
  });
}

function whereReason(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of data keys and values';
  const entries = Object.entries(value);
  if (entries.length > MAX_WHERE_KEYS) return `must have at most ${MAX_WHERE_KEYS} keys`;
  for (const [key, answer] of entries) {
    if (!isPlainString(key) || key.length === 0 || key.length > 100) return 'must have keys of 1 to 100 plain characters';
    if (!isAnswer(answer)) return 'must have values that are strings (at most 200 plain characters), numbers or booleans';
  }
  return null;
}

function achievedReason(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of domains';
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return 'must name at least one domain';
  for (const [domain, rule] of entries) {
    if (!(DOMAINS as readonly string[]).includes(domain)) return `must have domains among: ${DOMAINS.join(', ')}`;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return 'must give each domain an object {indicator, equals | atLeast}';
    const { indicator, equals, atLeast, ...rest } = rule as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return 'must give each domain only indicator and equals or atLeast';
    if (typeof indicator !== 'string' || !isPlainString(indicator) || indicator.length === 0 || indicator.length > 100) {
      return 'must give each domain an indicator of 1 to 100 plain characters';
    }
    if ((equals === undefined) === (atLeast === undefined)) return 'must give each domain exactly one of equals and atLeast';
    if (equals !== undefined && !isAnswer(equals)) return 'must give equals as a string, number or boolean';
    if (atLeast !== undefined && (typeof atLeast !== 'number' || !Number.isFinite(atLeast))) return 'must give atLeast as a number';
  }
  return null;
}

export class CohortEntryDto {
  @ApiProperty({ enum: COHORT_ENTRY_TYPES, example: 'CaseOpened', description: 'The event whose occurrence makes a person enter the cohort' })
  @IsIn(COHORT_ENTRY_TYPES)
  type!: JourneyEventType;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { programme: 'reintegration' },
    description: 'Every key must equal the entry event\u2019s data at that key',
  })
  @IsOptional()
  @Checked('where', whereReason)
  where?: Record<string, Answer>;

  @ApiProperty({ example: '2024-01-01', description: 'First day of entry (inclusive); YYYY-MM counts as the first of the month' })
  @Checked('dayOrMonth', (value) => (isCalendarDayOrMonth(value) ? null : DAY_OR_MONTH))
  from!: string;

  @ApiProperty({ example: '2024-12-31', description: 'Last day of entry (inclusive); YYYY-MM counts as the first of the month' })
  @Checked('dayOrMonth', (value) => (isCalendarDayOrMonth(value) ? null : DAY_OR_MONTH))
  @Checked('notBeforeFrom', (value, args) => {
    const from = (args.object as CohortEntryDto).from;
    return isCalendarDayOrMonth(value) && isCalendarDayOrMonth(from) && dayOf(value) < dayOf(from) ? 'must not be before from' : null;
  })
  to!: string;
}

export class CohortFiltersDto {
  @ApiPropertyOptional({ enum: GENDERS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(GENDERS.length)
  @IsIn(GENDERS, { each: true })
  gender?: string[];

  @ApiPropertyOptional({ type: [String], example: ['MD', 'UA'], description: 'ISO 3166-1 alpha-2 codes' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FILTER_VALUES)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'each value in citizenship must be an ISO 3166-1 alpha-2 code (two capital letters)' })
  citizenship?: string[];

  @ApiPropertyOptional({ enum: AGE_BANDS, isArray: true, description: 'Age at entry, in CTDC\u2019s bands' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(AGE_BANDS.length)
  @IsIn(AGE_BANDS, { each: true })
  ageBand?: AgeBand[];
}

const WITH_OFFSETS: readonly string[] = ['statusAtOffsets', 'domainTrajectories'];

function offsetsReason(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_OFFSETS) return `must be a list of 1 to ${MAX_OFFSETS} months`;
  return value.every((month) => Number.isInteger(month) && month >= 0 && month <= MAX_MONTHS) ? null : `must hold whole months from 0 to ${MAX_MONTHS}`;
}

const wholeMonths = (min: number, max: number) => (value: unknown) =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? null : `must be a whole number of months from ${min} to ${max}`;

/**
 * A field of some kinds of measure: checked by `reasonOf` for those kinds, and refused for the others rather than
 * ignored (it shows the definition was misread). `optional`: the field may be left out for its kinds.
 */
function ForKinds(kinds: readonly string[], reasonOf: (value: unknown) => string | null, optional = false) {
  return Checked('forKinds', (value, args) => {
    if (!kinds.includes((args.object as MeasureDto).kind)) return value === undefined ? null : `belongs to ${kinds.join(' and ')} measures only`;
    return optional && value === undefined ? null : reasonOf(value);
  });
}

export class MeasureDto {
  @ApiProperty({ enum: MEASURE_KINDS })
  @IsIn(MEASURE_KINDS)
  kind!: Measure['kind'];

  @ApiPropertyOptional({ type: [Number], example: [6, 12, 24], description: 'statusAtOffsets and domainTrajectories: months after entry (0: the entry date)' })
  @ForKinds(WITH_OFFSETS, offsetsReason)
  offsetsMonths?: number[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object' },
    example: { employment_economic: { indicator: 'employed', equals: true }, mental_health: { indicator: 'score', atLeast: 3 } },
    description: 'domainTrajectories: per domain, its indicator and `{"equals": v}` or `{"atLeast": x}`',
  })
  @ForKinds(['domainTrajectories'], achievedReason)
  achieved?: Record<string, Achievement>;

  @ApiPropertyOptional({ default: DEFAULT_WINDOW_MONTHS, description: 'domainTrajectories: how many months from the offset date an assessment may lie' })
  @ForKinds(['domainTrajectories'], wholeMonths(0, 24), true)
  windowMonths?: number;

  @ApiPropertyOptional({ example: 24, description: 'attrition: how many months since entry to follow' })
  @ForKinds(['attrition'], wholeMonths(1, MAX_MONTHS))
  months?: number;

  @ApiPropertyOptional({ enum: GROUPINGS, description: 'The same rows per group' })
  @IsOptional()
  @IsIn(GROUPINGS)
  by?: Grouping;
}

export class CohortDefinitionDto {
  @ApiProperty({ type: CohortEntryDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CohortEntryDto)
  entry!: CohortEntryDto;

  @ApiPropertyOptional({ type: CohortFiltersDto, description: 'On registration facts; an absent or empty list keeps everyone' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CohortFiltersDto)
  filters?: CohortFiltersDto;

  @ApiProperty({ type: [MeasureDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MEASURES)
  @ValidateNested({ each: true })
  @Type(() => MeasureDto)
  measures!: MeasureDto[];

  @ApiPropertyOptional({
    example: '2025-12-31T23:59:59Z',
    nullable: true,
    description: 'Count only events recorded at or before this instant (ISO 8601 with its time zone); null or absent: every event of the tree',
  })
  @IsOptional()
  @Checked('instant', (value) =>
    typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value))
      ? null
      : 'must be an ISO 8601 instant with its time zone, e.g. 2025-12-31T23:59:59Z',
  )
  asKnownAt?: string | null;

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Count only the first treeSize events of the log (a signed checkpoint\u2019s size). Default: the whole log when the request arrives',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  treeSize?: number;

  @ApiPropertyOptional({
    minimum: DEFAULT_K,
    maximum: 1000,
    default: DEFAULT_K,
    description: 'The smallest count shown; may be raised above CTDC\u2019s 11, never lowered',
  })
  @IsOptional()
  @IsInt()
  @Min(DEFAULT_K)
  @Max(1000)
  k?: number;
}

/** `YYYY-MM` as the first day of its month. */
function dayOf(dayOrMonth: string): string {
  return dayOrMonth.length === 7 ? `${dayOrMonth}-01` : dayOrMonth;
}

const sortedUnique = <T extends string>(values: readonly T[] | undefined): T[] | undefined =>
  values === undefined || values.length === 0 ? undefined : [...new Set(values)].sort();

const sortedOffsets = (offsets: readonly number[]) => [...new Set(offsets)].sort((a, b) => a - b);

function normalisedMeasure(measure: MeasureDto): Measure {
  const by = measure.by === undefined ? {} : { by: measure.by };
  switch (measure.kind) {
    case 'statusAtOffsets':
      return { kind: 'statusAtOffsets', offsetsMonths: sortedOffsets(measure.offsetsMonths!), ...by };
    case 'domainTrajectories': {
      const achieved = Object.fromEntries(
        Object.keys(measure.achieved!)
          .sort()
          .map((domain) => {
            const { indicator, equals, atLeast } = measure.achieved![domain] as { indicator: string; equals?: Answer; atLeast?: number };
            return [domain, equals !== undefined ? { indicator, equals } : { indicator, atLeast: atLeast! }];
          }),
      );
      return {
        kind: 'domainTrajectories',
        offsetsMonths: sortedOffsets(measure.offsetsMonths!),
        achieved,
        windowMonths: measure.windowMonths ?? DEFAULT_WINDOW_MONTHS,
        ...by,
      };
    }
    case 'attrition':
      return { kind: 'attrition', months: measure.months!, ...by };
  }
}

/**
 * The definition as a report carries it: every default filled in, lists sorted and without repeats, keys in one
 * order, the as-known-at instant in UTC. Running the normalised definition again gives the same report.
 */
export function normalisedDefinition(dto: CohortDefinitionDto, treeSize: number): CohortDefinition {
  const filters: CohortFilters = {};
  const gender = sortedUnique(dto.filters?.gender);
  const citizenship = sortedUnique(dto.filters?.citizenship);
  const ageBand = sortedUnique(dto.filters?.ageBand);
  if (gender) filters.gender = gender;
  if (citizenship) filters.citizenship = citizenship;
  if (ageBand) filters.ageBand = ageBand;
  const where = dto.entry.where ?? {};
  return {
    entry: {
      type: dto.entry.type,
      where: Object.fromEntries(
        Object.keys(where)
          .sort()
          .map((key) => [key, where[key]!]),
      ),
      from: dto.entry.from,
      to: dto.entry.to,
    },
    filters,
    measures: dto.measures.map(normalisedMeasure),
    asKnownAt: dto.asKnownAt === undefined || dto.asKnownAt === null ? null : new Date(dto.asKnownAt).toISOString(),
    treeSize,
    k: dto.k ?? DEFAULT_K,
  };
}

/**
 * A definition from outside the HTTP edge (a file given to the CLI), checked by the same rules as the API's body:
 * the DTO, or every bad field. A normalised definition (as a report carries it) passes too.
 */
export function parseCohortDefinition(json: unknown): CohortDefinitionDto | FieldError[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [{ field: 'definition', reason: 'must be a JSON object' }];
  const dto = plainToInstance(CohortDefinitionDto, json);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length > 0 ? fieldErrors(errors) : dto;
}
