import { learnedRouterVersion, shippedRouterVersion } from '@routekit/core';
import { createSqlRouterRegistry } from '@routekit/operations';
import type { Command } from '../commands.js';
import { onePositional, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';
import { withDatabase } from './keys.js';

const HELP = `usage: routekit routers list [--database FILE|URL] [--json]
       routekit routers promote VERSION|shipped [--database FILE|URL]
       routekit routers rollback [--database FILE|URL]

The learned routers of a deployment, in its database (default ROUTEKIT_DATABASE, else
.routekit/routekit.db; or a postgres:// URL). \`routekit train --from-outcomes\` adds versions and promotes
those the guard accepts; every gateway instance on the database (ROUTEKIT_LEARNING=1) follows the version in
charge within ROUTEKIT_ROUTER_POLL_SECONDS. promote puts a version (or the shipped router) in charge,
overriding the guard; rollback retires the version in charge and puts back the one before it.
`;

/** `routekit routers`: list, promote and roll back learned routers. */
export const routers: Command = {
  summary: 'list, promote and roll back routers learned from outcomes',
  async run(argv) {
    const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: { database: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
    const [action, ...rest] = positionals;
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (action === undefined) throw new UsageError('routers: expected list, promote or rollback (see routekit routers --help)');
    return withDatabase(values.database, async (database) => {
      const registry = await createSqlRouterRegistry({ database });
      switch (action) {
        case 'list': {
          if (rest.length > 0) throw new UsageError('routers list takes no arguments');
          const versions = await registry.list();
          const active = await registry.active();
          if (values.json) {
            process.stdout.write(`${JSON.stringify({ active: active.version === null ? shippedRouterVersion : learnedRouterVersion(active.version), versions })}\n`);
            return 0;
          }
          process.stdout.write(`in charge: ${active.version === null ? `${shippedRouterVersion} (the shipped default router)` : learnedRouterVersion(active.version)}\n`);
          for (const version of versions) {
            const apgr = typeof version.report.apgr === 'number' ? `APGR ${version.report.apgr.toFixed(3)}` : '';
            const champion = typeof version.report.champion_apgr === 'number' ? ` vs ${String(version.report.champion)} ${version.report.champion_apgr.toFixed(3)}` : '';
            const state = version.active ? 'in charge' : version.retired_at !== null ? 'retired' : String(version.report.guard ?? '');
            process.stdout.write(`${version.name}\t${version.created_at}\t${apgr}${champion}\t${state}\n`);
          }
          return 0;
        }
        case 'promote': {
          const argument = onePositional(rest, 'VERSION (a number, or shipped)');
          const version = argument === shippedRouterVersion ? null : Number(argument.replace(/^learned-v/, ''));
          if (version !== null && (!Number.isInteger(version) || version < 1)) throw new UsageError(`routers promote: expected a version number or shipped, got ${JSON.stringify(argument)}`);
          if (version !== null && !(await registry.list()).some((entry) => entry.version === version)) throw new UsageError(`routers promote: no router version ${version}; see \`routekit routers list\``);
          await registry.promote(version, 'routekit routers promote');
          process.stdout.write(`${version === null ? shippedRouterVersion : learnedRouterVersion(version)} is in charge; instances follow at their next poll\n`);
          return 0;
        }
        case 'rollback': {
          if (rest.length > 0) throw new UsageError('routers rollback takes no arguments');
          if ((await registry.active()).version === null) throw new UsageError('routers rollback: the shipped router is in charge already; there is nothing to roll back');
          const back = await registry.rollback('routekit routers rollback');
          process.stdout.write(`${back === null ? shippedRouterVersion : learnedRouterVersion(back)} is in charge again; instances follow at their next poll\n`);
          return 0;
        }
        default:
          throw new UsageError(`routers: expected list, promote or rollback, got ${JSON.stringify(action.slice(0, 40))}`);
      }
    });
  },
};
