import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { loadConfiguration } from '../config/configuration';
import { ROLES, type Role } from './actor';
import { LocalSigningKey } from './local-signing-key';

/** `token --role caseworker --org ORG [--sub ID]`: mints a token for trying the API on the embedded default. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint a bearer token signed by the local key (embedded default only)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')} (repeat for several)`, collectRole, [])
    .requiredOption('--org <organisationId>', 'the organisation the caller belongs to')
    .option('--sub <id>', 'pseudonymous user id', 'local-user')
    .option('--ttl <seconds>', 'lifetime in seconds', (value) => Number.parseInt(value, 10), 8 * 3600)
    .action(async (options: { role: Role[]; org: string; sub: string; ttl: number }) => {
      const config = loadConfiguration();
      if (config.JOURNEY_OIDC_ISSUER) throw new Error('Tokens come from the OIDC issuer when JOURNEY_OIDC_ISSUER is set');
      const key = await LocalSigningKey.loadOrCreate(resolve(config.JOURNEY_DATA_DIR));
      console.log(await key.mint({ sub: options.sub, org: options.org, roles: options.role }, options.ttl));
    });
}

function collectRole(value: string, roles: Role[]): Role[] {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return [...roles, value as Role];
}
