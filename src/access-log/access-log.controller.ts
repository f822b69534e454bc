import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { Actor } from '../auth/actor';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { AccessLog, type AccessLogEntry, type AccessLogPage, type LedgerExport, type RecordRead } from './access-log';
import { ACCESS_PURPOSES, type AccessPurpose } from './access-purpose';

export class AccessLogParams {
  @ApiPropertyOptional({ description: '`next` of the previous page', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the reads of this person\u2019s record' })
  @IsOptional()
  @IsUUID()
  personId?: string;
}

class RecordReadEntry implements RecordRead {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) accessedAt!: string;
  @ApiProperty({ description: 'Who read it: the token\u2019s `sub`' }) actor!: string;
  @ApiProperty() organisationId!: string;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ example: '/persons/:personId/personal-data' }) resource!: string;
  @ApiProperty({ enum: ACCESS_PURPOSES }) purpose!: AccessPurpose;
}

class LeafRange {
  @ApiProperty({ description: 'First leaf index, inclusive' }) from!: number;
  @ApiProperty({ description: 'Last leaf index, exclusive' }) to!: number;
}

class LedgerExportEntry implements LedgerExport {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) accessedAt!: string;
  @ApiProperty({ description: 'Who exported it: the token\u2019s `sub`' }) actor!: string;
  @ApiProperty() organisationId!: string;
  @ApiProperty({ example: '/audit/export' }) resource!: string;
  @ApiProperty({ type: LeafRange }) range!: LeafRange;
}

class AccessLogPageResponse implements AccessLogPage {
  @ApiProperty({ type: 'array', items: { oneOf: [{ $ref: getSchemaPath(RecordReadEntry) }, { $ref: getSchemaPath(LedgerExportEntry) }] } })
  entries!: AccessLogEntry[];
  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `after` for the next page; null on the last page' }) next!: number | null;
}

@ApiTags('audit')
@ApiExtraModels(RecordReadEntry, LedgerExportEntry)
@ApiBearerAuth()
@Controller('audit/access-log')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLog) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({
    summary: 'Who of your organisation read which person\u2019s record, when and why, or exported the ledger: oldest first, a page at a time',
  })
  @ApiOkResponse({ type: AccessLogPageResponse, description: 'A read of a person\u2019s record, or an export of the ledger' })
  list(@Query() params: AccessLogParams, @CurrentActor() actor: Actor): Promise<AccessLogPage> {
    return this.accessLog.page({ organisationId: actor.org, after: params.after ?? 0, limit: params.limit ?? 100, personId: params.personId });
  }
}
