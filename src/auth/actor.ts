/** The roles of issue 5; a token may carry several. */
export const ROLES = ['caseworker', 'programme_manager', 'evaluator', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified bearer token: pseudonymous user id, roles, organisation. */
export interface Actor {
  sub: string;
  roles: Role[];
  org: string;
}
