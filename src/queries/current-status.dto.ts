import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import type { ActiveConsent, CurrentStatusRow, LatestOutcome, LatestRss, Phase } from '../../projections/current-status';
import { PROGRAMMES, type Programme } from '../journey/domain/vocabulary';
import { ANSWER_SCHEMA } from '../journey/event-data/fields';

export const PHASES: readonly Phase[] = ['identified', 'in_recovery', 'returned', 'in_reintegration', 'closed'];

class ActiveConsentDto implements ActiveConsent {
  @ApiProperty({ example: 'sharing' }) scope!: string;
  @ApiPropertyOptional({ description: 'With whom, for `sharing` consents' }) organisationId?: string;
}

// Inline in `latestOutcomes`, whose values it describes (a class cannot be the value schema of a map there).
const LATEST_OUTCOME = {
  type: 'object',
  required: ['indicator', 'value', 'occurredAt'],
  properties: { indicator: { type: 'string' }, value: ANSWER_SCHEMA, occurredAt: { type: 'string', description: 'YYYY-MM-DD or YYYY-MM' } },
} satisfies SchemaObject & { properties: Record<keyof LatestOutcome, unknown> };

class RssScoresDto {
  @ApiProperty() economic!: number;
  @ApiProperty() social!: number;
  @ApiProperty() psychosocial!: number;
  @ApiProperty() composite!: number;
}

class LatestRssDto implements LatestRss {
  @ApiProperty() round!: number;
  @ApiProperty({ type: RssScoresDto }) scores!: RssScoresDto;
  @ApiProperty() scoringVersion!: string;
  @ApiProperty({ description: 'YYYY-MM-DD or YYYY-MM' }) occurredAt!: string;
}

/** A row of `current_status` for OpenAPI (projections/current-status.ts is the type the code builds). */
export class CurrentStatusDto implements CurrentStatusRow {
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ description: 'The organisation holding the case' }) organisationId!: string;
  @ApiProperty({ enum: PHASES }) phase!: Phase;
  @ApiProperty() caseOpen!: boolean;
  @ApiProperty({ enum: PROGRAMMES, nullable: true, type: String }) programme!: Programme | null;
  @ApiProperty({ type: String, nullable: true }) closureReason!: string | null;
  @ApiProperty() returned!: boolean;
  @ApiProperty({ type: [ActiveConsentDto] }) activeConsents!: ActiveConsentDto[];
  @ApiProperty({ type: [String], description: 'Scopes of assistance the person declined (`assistance` or a domain)' }) declinedScopes!: string[];
  @ApiProperty({ type: String, nullable: true }) employmentStatus!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) employed!: boolean | null;
  @ApiProperty({ type: String, nullable: true }) employmentStatusAt!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: LATEST_OUTCOME,
    description: 'Latest assessed value per outcome domain',
  })
  latestOutcomes!: Record<string, LatestOutcome>;
  @ApiProperty({ type: LatestRssDto, nullable: true }) latestRss!: LatestRssDto | null;
  @ApiProperty({ type: String, nullable: true, description: '`occurredAt` of the last fact that needed the person' }) lastContactAt!: string | null;
  @ApiProperty() contactLost!: boolean;
  @ApiProperty() reTrafficked!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Services delivered, by domain' })
  servicesByDomain!: Record<string, number>;
  @ApiProperty() personalDataErased!: boolean;
  @ApiProperty({ description: 'Stream revision of the last event of the person this row reflects' }) revision!: number;
  @ApiProperty({ description: 'Global position of the last event of the person this row reflects' }) position!: number;
}
