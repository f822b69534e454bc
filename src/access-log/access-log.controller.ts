import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { Actor } from '../auth/actor';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { AccessLog, type AccessLogPage } from './access-log';

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

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/access-log')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLog) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({
    summary: 'Who of your organisation read which person\u2019s record, when and why, or exported the ledger: oldest first, a page at a time',
  })
  @ApiOkResponse({
    description:
      '`{entries, next}`; a read is `{id, accessedAt, actor, organisationId, personId, resource, purpose}`, ' +
      'an export of the ledger `{id, accessedAt, actor, organisationId, resource, range: {from, to}}`',
  })
  list(@Query() params: AccessLogParams, @CurrentActor() actor: Actor): Promise<AccessLogPage> {
    return this.accessLog.page({ organisationId: actor.org, after: params.after ?? 0, limit: params.limit ?? 100, personId: params.personId });
  }
}
