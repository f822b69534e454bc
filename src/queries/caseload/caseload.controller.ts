import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Phase } from '../../../projections/current-status';
import { badRequest } from '../../http/problem';
import { ReadModelPosition, ReadYourWritesQuery } from '../read-your-writes';
import { CaseloadQuery, InvalidCursorError, type CaseloadAnswer, type CaseloadSort } from './caseload.query';

const PHASES: readonly Phase[] = ['identified', 'in_recovery', 'returned', 'in_reintegration', 'closed'];
const SORTS: readonly CaseloadSort[] = ['personId', 'lastContactAt'];

/** `true` / `false` in a query string; anything else is left for IsBoolean to refuse. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CaseloadParams extends ReadYourWritesQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  organisationId?: string;

  @ApiPropertyOptional({ enum: PHASES })
  @IsOptional()
  @IsIn(PHASES)
  phase?: Phase;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  contactLost?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  reTrafficked?: boolean;

  @ApiPropertyOptional({ enum: SORTS, description: '`personId` (default), or `lastContactAt`: longest without contact first' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: CaseloadSort;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a nextCursor this API gave' })
  cursor?: string;
}

@ApiTags('read models')
@Controller('caseload')
export class CaseloadController {
  constructor(
    private readonly query: CaseloadQuery,
    private readonly readModel: ReadModelPosition,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Current status of many persons: filtered, sorted, a page at a time' })
  @ApiOkResponse({ description: '`{position, items, nextCursor}`: `position` is the global position the answer reflects' })
  async list(@Query() params: CaseloadParams): Promise<CaseloadAnswer> {
    await this.readModel.reached('current_status', params.minPosition);
    try {
      return await this.query.run({
        organisationId: params.organisationId,
        phase: params.phase,
        contactLost: params.contactLost,
        reTrafficked: params.reTrafficked,
        sort: params.sort ?? 'personId',
        limit: params.limit ?? 50,
        cursor: params.cursor,
      });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badRequest([{ field: 'cursor', reason: error.message }]);
      throw error;
    }
  }
}
