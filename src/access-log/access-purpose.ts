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

export function isAccessPurpose(value: unknown): value is AccessPurpose {
  return (ACCESS_PURPOSES as readonly unknown[]).includes(value);
}
