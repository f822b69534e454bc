import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { CohortBelowKError } from '../../projections/cohort/compute-report';
import type { Actor } from '../auth/actor';
import { Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import { badRequest, ProblemError, ruleBroken } from '../http/problem';
import { cohortCodebook, cohortCsv, CSV_COLUMNS } from './cohort-csv';
import { CohortDefinitionDto } from './cohort-definition.dto';
import { CohortReportDto } from './cohort-report.dto';
import { CohortFactsIncompleteError, CohortReports, TreeSizeBeyondLogError } from './cohort-reports';

const CSV = 'text/csv';
const CODEBOOK = 'text/markdown';

/** The media type the client prefers among JSON, CSV and the codebook (first listed wins; JSON by default). */
function wanted(accept: string | undefined): 'json' | 'csv' | 'codebook' {
  for (const range of (accept ?? '').split(',')) {
    const type = range.split(';')[0]!.trim().toLowerCase();
    if (type === CSV) return 'csv';
    if (type === CODEBOOK) return 'codebook';
    if (type === 'application/json') return 'json';
  }
  return 'json';
}

@ApiTags('cohort reports')
@ApiExtraModels(CohortReportDto)
@ApiBearerAuth()
@Controller('cohort-reports')
export class CohortReportsController {
  constructor(private readonly reports: CohortReports) {}

  @Post()
  @HttpCode(200)
  @Roles('evaluator', 'programme_manager')
  @ApiOperation({
    summary: 'A cohort study: the log replayed as it was known, into disclosure-safe outcome tables',
    description:
      'Over the persons your organisation held at entry. Counts only the first `treeSize` events of the log (default: the whole ' +
      'log when the request arrives) and, with `asKnownAt`, only those recorded by then. The report carries its normalised ' +
      'definition and the signed checkpoint of its tree: the same definition at the same treeSize gives the same bytes. ' +
      'Counts under k are suppressed. `Accept: text/csv` answers the figures as CSV; `Accept: text/markdown` the codebook that goes beside it.',
  })
  @ApiBody({ type: CohortDefinitionDto })
  @ApiOkResponse({
    content: {
      'application/json': { schema: { $ref: getSchemaPath(CohortReportDto) } },
      [CSV]: { schema: { type: 'string', description: `One line per figure, after a header line: ${CSV_COLUMNS.join(',')}` } },
      [CODEBOOK]: { schema: { type: 'string', description: 'The codebook: what each column and code of the CSV means' } },
    },
  })
  @ApiResponse({ status: 400, description: 'A bad definition: every bad field named' })
  @ApiResponse({ status: 422, description: 'The cohort is smaller than k (`rule: cohort_below_k`)' })
  @ApiResponse({ status: 503, description: 'The log\u2019s followers have not caught up, or events of the tree could not be projected' })
  async report(
    @Body() definition: CohortDefinitionDto,
    @CurrentActor() actor: Actor,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const report = await this.reports.report(definition, { actor: actor.sub, organisationId: actor.org }).catch((error: unknown) => {
      throw problemOf(error);
    });
    const format = wanted(accept);
    if (format === 'csv') response.type(`${CSV}; charset=utf-8; header=present`).send(cohortCsv(report));
    else if (format === 'codebook') response.type(`${CODEBOOK}; charset=utf-8`).send(cohortCodebook(report));
    else response.type('application/json').send(JSON.stringify(report));
  }
}

function problemOf(error: unknown): unknown {
  if (error instanceof TreeSizeBeyondLogError) return badRequest([{ field: 'treeSize', reason: error.message }]);
  if (error instanceof CohortBelowKError) {
    return ruleBroken('cohort_below_k', 'The cohort is smaller than k: a report over it could expose individuals');
  }
  if (error instanceof CohortFactsIncompleteError) {
    return new ProblemError({ type: 'about:blank#cohort-facts-incomplete', title: 'Read model incomplete', status: 503, detail: error.message });
  }
  return error;
}
