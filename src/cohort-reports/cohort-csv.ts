import type { CohortReport, MeasureTable } from '../../projections/cohort/report';
import { CASE_CLOSURE_REASONS, EMPLOYMENT_STATUSES } from '../journey/domain/vocabulary';

/**
 * A cohort report as CSV, one line per figure ("long" form), so that every kind of measure fits one file and any
 * statistics tool reads it; and the codebook that goes beside it. A suppressed figure keeps its line, with an
 * empty value and `suppressed` true, so the reader sees what was hidden.
 */
export const CSV_COLUMNS = ['measure', 'offset_months', 'group_by', 'group', 'group_size', 'row', 'statistic', 'value', 'suppressed'] as const;

/** The statistics of each kind of row, in order (attrition adds one `left:<reason>` per reason that occurs). */
const STATISTICS: Record<MeasureTable['kind'], readonly string[]> = {
  statusAtOffsets: ['n', 'percent'],
  domainTrajectories: ['observed', 'achieved', 'missing', 'percentAchieved'],
  attrition: ['followed', 'censored', 'retention'],
};

type Row = Record<string, unknown>;
type Cell = string | number | boolean | null | undefined;

function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** What names a row within its table: the category, the domain and its indicator, or the month. */
function rowName(kind: MeasureTable['kind'], row: Row): string {
  if (kind === 'statusAtOffsets') return String(row.category);
  if (kind === 'domainTrajectories') return `${String(row.domain)}:${String(row.indicator)}`;
  return String(row.month);
}

/** The figures of one row as [statistic, value]; a hidden one has value undefined. */
function figuresOf(kind: MeasureTable['kind'], row: Row): [string, Cell][] {
  const figures: [string, Cell][] = STATISTICS[kind].map((statistic) => [statistic, row[statistic] as Cell]);
  if (kind === 'attrition' && Array.isArray(row.left)) {
    for (const left of row.left as Row[]) figures.push([`left:${String(left.reason)}`, left.n as Cell]);
  }
  return figures;
}

export function cohortCsv(report: CohortReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const table of report.measures) {
    const [groupBy, group] = Object.entries(table.group ?? {})[0] ?? [undefined, undefined];
    // A table of the whole cohort has no group: its size is the cohort's.
    const groupSize = table.group === undefined ? report.cohortSize : table.groupSize;
    const tableFields: Cell[] = [table.kind, table.offsetMonths, groupBy, group, groupSize];
    if (table.suppressed) lines.push([...tableFields, '', '', '', true].map(csvField).join(','));
    for (const row of table.rows) {
      for (const [statistic, value] of figuresOf(table.kind, row)) {
        const hidden = value === undefined;
        lines.push([...tableFields, rowName(table.kind, row), statistic, hidden ? '' : value, hidden].map(csvField).join(','));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

const STATUS_MEANINGS: Record<string, string> = {
  re_trafficked: 're-trafficking was reported on or before the offset date (takes precedence over everything else)',
  lost_contact: 'contact was lost on or before the offset date and not re-established by then',
  declined: 'assistance was declined on or before the offset date, and no employment status was recorded by then',
  unknown: 'none of the above is known on the offset date',
  ...Object.fromEntries(EMPLOYMENT_STATUSES.map((status) => [status, `the latest employment status recorded on or before the offset date was \`${status}\``])),
};

/** The codebook beside a CSV: every column, every category, the definition, the suppression rule, the tree. */
export function cohortCodebook(report: CohortReport): string {
  const k = report.definition.k;
  return `# Codebook: cohort report

- As known at: ${report.asKnownAt} (only events recorded at or before this instant count)
- Tree: the first ${report.checkpoint.treeSize} events of the log, root hash ${report.checkpoint.rootHash} (base64)
- Organisation: ${report.organisationId} (the persons it held at entry)
- Cohort size: ${report.cohortSize}

## Signed checkpoint of that tree

\`\`\`
${report.checkpoint.note.trimEnd()}
\`\`\`

Check it with the log's public key (GET /audit/public-key); \`npm run cli -- cohort --verify REPORT.json\` recomputes the report.

## Definition (normalised, defaults filled in)

\`\`\`json
${JSON.stringify(report.definition, null, 2)}
\`\`\`

## Columns

| column | meaning |
|---|---|
| measure | \`statusAtOffsets\`, \`domainTrajectories\` or \`attrition\` |
| offset_months | months after each person's entry date (day clamped to the month's end); empty for attrition |
| group_by | the attribute the table is broken down by (\`gender\`, \`ageBand\`, \`citizenship\`, \`exploitationType\`, \`returned\`); empty for the whole cohort |
| group | the group's value; \`unknown\` when not recorded, \`multiple\` for several exploitation types |
| group_size | persons in the group (the cohort size when not grouped); empty when suppressed |
| row | statusAtOffsets: the status category; domainTrajectories: \`domain:indicator\`; attrition: the month since entry (1 = the first month) |
| statistic | see below |
| value | the figure; empty when suppressed |
| suppressed | \`true\` when the figure is hidden to protect individuals |

## Statistics

| measure | statistic | meaning |
|---|---|---|
| statusAtOffsets | n | persons in the category at the offset date |
| statusAtOffsets | percent | n as a percentage of the group size, one decimal |
| domainTrajectories | observed | persons with an assessment of the domain's indicator within the window around the offset date |
| domainTrajectories | achieved | observed persons whose nearest assessment meets the definition's threshold |
| domainTrajectories | missing | persons without such an assessment |
| domainTrajectories | percentAchieved | achieved as a percentage of observed, one decimal |
| attrition | followed | persons still followed at the start of the month |
| attrition | left:<reason> | persons who stopped being followed during the month, by the first of: \`closed:<closure reason>\`, \`declined\` (assistance), \`lost_contact\` (not re-established), \`re_trafficked\` |
| attrition | censored | persons whose observation ended during the month (the as-known-at date) without having left |
| attrition | retention | Kaplan–Meier estimate of the share still followed at the end of the month (shown only where at least k persons are followed) |

## Status categories

| category | meaning |
|---|---|
${Object.entries(STATUS_MEANINGS)
  .map(([category, meaning]) => `| ${category} | ${meaning} |`)
  .join('\n')}

Closure reasons: ${CASE_CLOSURE_REASONS.map((reason) => `\`closed:${reason}\``).join(', ')}.

## Suppression

No figure describes fewer than k = ${k} persons: a cohort smaller than k is refused, and every count from 1 to ${k - 1}
is suppressed, with its percentage. Whenever a suppressed figure could be recovered from its table's total, the next
smallest figure is suppressed too. A group smaller than k is suppressed whole (and, when only one group is, the next
smallest group as well). Zero is shown: it describes nobody; a status category with nobody in it has no line.
`;
}
