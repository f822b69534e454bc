import { nameBasedUuid } from '../../src/journey/event-id';

/**
 * The source study's cohort (Kvinnoforum, 2003): 332 persons who received reintegration assistance in 2002, and their
 * employment status 12 months later: 28% in private business, 11% in state-owned business, 9% students, 15% still
 * receiving assistance (the rest, which the study does not break down, spread over other statuses). Each person also
 * has an earlier and a later status, which a 12-month report must not count, and the file holds persons outside the
 * cohort (entered in 2001 or 2003, or in another programme) whose statuses must not count either. As import lines.
 */
export const KVINNOFORUM_AT_12_MONTHS: Readonly<Record<string, number>> = {
  private_business: 93, // 28.0%
  state_owned_business: 37, // 11.1%
  student: 30, // 9.0%
  still_receiving_assistance: 50, // 15.1%
  unemployed: 45,
  in_training: 40,
  other: 37,
};

export const KVINNOFORUM_COHORT = Object.values(KVINNOFORUM_AT_12_MONTHS).reduce((sum, n) => sum + n, 0);

/** `year-month-day` plus `months`, as a YYYY-MM-DD date (days here never exceed 28, so no month end to clamp). */
function plusMonths(year: number, month: number, day: number, months: number): string {
  return new Date(Date.UTC(year, month - 1 + months, day)).toISOString().slice(0, 10);
}

function journey(index: number, year: number, programme: string, statusAt11Months: string, organisationId: string): string[] {
  const personId = nameBasedUuid('kvinnoforum-person', String(index));
  const month = (index % 12) + 1;
  const day = (index % 28) + 1;
  const line = (type: string, occurredAt: string, data: Record<string, unknown> = {}) => JSON.stringify({ personId, type, occurredAt, organisationId, data });
  return [
    line('PersonRegistered', plusMonths(year, month, day, -1), { gender: 'female', birthYear: 1978 + (index % 8), citizenship: ['MD', 'UA', 'RO'][index % 3] }),
    line('CaseOpened', plusMonths(year, month, day, 0), { programme }),
    line('EmploymentStatusRecorded', plusMonths(year, month, day, 2), { status: 'unemployed' }),
    line('EmploymentStatusRecorded', plusMonths(year, month, day, 11), { status: statusAt11Months }),
    line('EmploymentStatusRecorded', plusMonths(year, month, day, 14), { status: 'self_employed' }),
  ];
}

export function kvinnoforumLines(organisationId = 'org-a'): string[] {
  const lines: string[] = [];
  let index = 0;
  for (const [status, n] of Object.entries(KVINNOFORUM_AT_12_MONTHS)) {
    for (let i = 0; i < n; i += 1) lines.push(...journey(index++, 2002, 'reintegration', status, organisationId));
  }
  // Outside the cohort: entered the year before or after, or in another programme; all in private business.
  for (let i = 0; i < 20; i += 1) lines.push(...journey(index++, 2001, 'reintegration', 'private_business', organisationId));
  for (let i = 0; i < 20; i += 1) lines.push(...journey(index++, 2003, 'reintegration', 'private_business', organisationId));
  for (let i = 0; i < 30; i += 1) lines.push(...journey(index++, 2002, 'recovery', 'private_business', organisationId));
  return lines;
}
