import { type Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { loadConfiguration } from '../config/configuration';
import { ROLES, type Role } from './actor';
import { LocalSigningKey, TOKEN_TTL } from './local-signing-key';

/** `token --role caseworker --org ORG [--sub ID] [--ttl 1h]`: mints a token for trying the API on the embedded default. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint a bearer token signed by the local key (embedded default only)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')} (repeat for several)`, collectRole, [])
    .requiredOption('--org <organisationId>', 'the organisation the caller belongs to')
    .option('--sub <id>', 'pseudonymous user id', 'local-user')
    .option('--ttl <duration>', `lifetime: seconds, or with a unit (30m, 2h); at most ${TOKEN_TTL.max / 3600}h`, ttlSeconds, TOKEN_TTL.default)
    .action(async (options: { role: Role[]; org: string; sub: string; ttl: number }) => {
      const config = loadConfiguration();
      if (config.JOURNEY_OIDC_ISSUER) throw new Error('Tokens come from the OIDC issuer when JOURNEY_OIDC_ISSUER is set');
      const key = await LocalSigningKey.loadOrCreate(resolve(config.JOURNEY_DATA_DIR));
      console.log(await key.mint({ sub: options.sub, org: options.org, roles: options.role }, options.ttl));
    });
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

function ttlSeconds(value: string): number {
  const match = /^(\d+)([smh]?)$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) throw new InvalidArgumentError('must be a positive duration such as 3600, 30m or 2h');
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  if (seconds > TOKEN_TTL.max)
    throw new InvalidArgumentError(`must be at most ${TOKEN_TTL.max / 3600}h: local tokens are short-lived, mint a new one when it expires`);
  return seconds;
}

function collectRole(value: string, roles: Role[]): Role[] {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return [...roles, value as Role];
}
