/**
 * The roles; a token may carry several. `auditor` sees its own organisation's access log; `ledger_auditor` exports
 * the whole ledger (every organisation's events, ciphertext only) to recompute its roots.
 */
export const ROLES = ['caseworker', 'programme_manager', 'evaluator', 'auditor', 'ledger_auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified bearer token: pseudonymous user id, roles, organisation. */
export interface Actor {
  sub: string;
  roles: Role[];
  org: string;
}
