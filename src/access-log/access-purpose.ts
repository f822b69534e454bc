import { badRequest } from '../http/problem';

/**
 * Why a person's record is read: a code, never free text (free text about a case tends to name the person).
 * Sent as the `X-Access-Purpose` header on every read of a person's record.
 */
export const ACCESS_PURPOSES = [
  'case_management',
  'service_delivery',
  'referral',
  'follow_up',
  'safeguarding',
  'legal_proceedings',
  'data_subject_request',
  'quality_assurance',
] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

export const ACCESS_PURPOSE_HEADER = 'x-access-purpose';

export function accessPurposeFrom(header: string | string[] | undefined): AccessPurpose {
  if (typeof header === 'string' && (ACCESS_PURPOSES as readonly string[]).includes(header)) return header as AccessPurpose;
  throw badRequest(
    [{ field: 'X-Access-Purpose', reason: `must be one of ${ACCESS_PURPOSES.join(', ')}` }],
    'Every read of a person\u2019s record states its purpose',
  );
}
