import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Phase } from '../../../projections/current-status';
import type { Actor } from '../../auth/actor';
import { Roles } from '../../auth/auth.guard';
import { CurrentActor } from '../../auth/current-actor.decorator';
import { badRequest, ProblemError } from '../../http/problem';
import { PlainCharacters } from '../../journey/event-data/characters';
import { CurrentStatusDto, PHASES } from '../current-status.dto';
import { ReadModelPosition, ReadYourWritesQuery } from '../read-your-writes';
import { CaseloadQuery, InvalidCursorError, type CaseloadAnswer, type CaseloadSort } from './caseload.query';

const SORTS: readonly CaseloadSort[] = ['personId', 'lastContactAt'];

/** `true` / `false` in a query string; anything else is left for IsBoolean to refuse. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CaseloadParams extends ReadYourWritesQuery {
  @ApiPropertyOptional({ description: 'Your own organisation (the default); a caseload is never shown across organisations' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @PlainCharacters()
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

class CaseloadResponse implements CaseloadAnswer {
  @ApiProperty({ description: 'The global position the answer reflects' }) position!: number;
  @ApiProperty({ type: [CurrentStatusDto] }) items!: CurrentStatusDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor!: string | null;
}

@ApiTags('read models')
@ApiBearerAuth()
@Controller('caseload')
export class CaseloadController {
  constructor(
    private readonly query: CaseloadQuery,
    private readonly readModel: ReadModelPosition,
  ) {}

  @Get()
  @Roles('programme_manager')
  @ApiOperation({ summary: 'Current status of many persons: filtered, sorted, a page at a time' })
  @ApiOkResponse({ type: CaseloadResponse })
  async list(@Query() params: CaseloadParams, @CurrentActor() actor: Actor): Promise<CaseloadAnswer> {
    if (params.organisationId !== undefined && params.organisationId !== actor.org) {
      throw new ProblemError({ type: 'about:blank#forbidden', title: 'Forbidden', status: 403, detail: 'A caseload is shown to its own organisation only' });
    }
    await this.readModel.reached('current_status', params.minPosition);
    try {
      return await this.query.run({
        organisationId: actor.org,
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
