import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GROUPINGS, MEASURE_KINDS } from '../../projections/cohort/definition';
import { CohortDefinitionDto } from './cohort-definition.dto';

/** The report's shape for OpenAPI (projections/cohort/report.ts is the type the code builds). */
class ReportCheckpointDto {
  @ApiProperty({ example: 123456 }) treeSize!: number;
  @ApiProperty({ description: 'RFC 9162 root hash of the tree, base64' }) rootHash!: string;
  @ApiProperty({ description: 'The C2SP signed note of a checkpoint at exactly treeSize (GET /audit/checkpoints?size=treeSize serves it too)' })
  note!: string;
}

class MeasureTableDto {
  @ApiProperty({ enum: MEASURE_KINDS }) kind!: string;
  @ApiPropertyOptional({ description: 'Months after entry (statusAtOffsets, domainTrajectories)' }) offsetMonths?: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { gender: 'female' },
    description: `The group, for a measure with \`by\` (one of ${GROUPINGS.join(', ')})`,
  })
  group?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Persons in the group; absent when the group is suppressed' }) groupSize?: number;
  @ApiPropertyOptional({ description: 'The whole group is suppressed: fewer than k persons, or hidden to protect another group' }) suppressed?: boolean;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'statusAtOffsets: `{category, n, percent}`; domainTrajectories: `{domain, indicator, observed, achieved, missing, percentAchieved}`; ' +
      'attrition: `{month, followed, left: [{reason, n}], censored, retention}`. A hidden figure is absent and the row has `suppressed: true`.',
    example: [
      { category: 'private_business', n: 93, percent: 28 },
      { category: 'self_employed', suppressed: true },
    ],
  })
  rows!: Record<string, unknown>[];
}

export class CohortReportDto {
  @ApiProperty({ type: CohortDefinitionDto, description: 'The definition normalised, every default filled in (asKnownAt null when not given)' })
  definition!: CohortDefinitionDto;
  @ApiProperty({ type: ReportCheckpointDto }) checkpoint!: ReportCheckpointDto;
  @ApiProperty({ description: 'The end of what the report knows: asKnownAt, else when the tree\u2019s last event was recorded' })
  asKnownAt!: string;
  @ApiProperty({ description: 'The organisation whose persons (held at entry) the report is over' }) organisationId!: string;
  @ApiProperty() cohortSize!: number;
  @ApiProperty({ type: [MeasureTableDto] }) measures!: MeasureTableDto[];
}
