import { existsSync } from 'node:fs';
import { ModelCatalog } from '@routekit/core';
import { createSqlReceiptStore, openPostgresDatabase, openSqliteDatabase, recommendationsReport } from '@routekit/operations';
import type { Command } from '../commands.js';
import { numberFlag, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';

const help = `usage: routekit recommend [--database <SQLite file or postgres:// URL>] [--days 30] [--tenant T] [--json]
Reads the gateway's stored receipts and recommends moving a key's (or a tenant's) traffic to a
cheaper model the router predicted at the same quality, with the saving scaled to a month.
  --database  where the gateway keeps receipts (default ROUTEKIT_DATABASE, else .routekit/routekit.db)
  --days      days of traffic to analyse, 1 to 90 (default 30)
  --tenant    only this tenant's traffic
  --json      the same report as GET /v1/recommendations
`;

/** `routekit recommend`: model moves that save money at the same predicted quality. */
export const recommend: Command = {
  summary: 'recommend cheaper models at the same predicted quality, from stored receipts',
  async run(argv) {
    const { values } = parseCommandLine({ args: argv, options: { database: { type: 'string' }, days: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
    if (values.help === true) {
      process.stdout.write(help);
      return 0;
    }
    const days = values.days === undefined ? 30 : numberFlag('--days', values.days, { integer: true, minimum: 1, maximum: 90, expected: 'a whole number of days from 1 to 90' });
    const target = values.database ?? process.env.ROUTEKIT_DATABASE ?? '.routekit/routekit.db';
    const postgres = /^postgres(ql)?:\/\//i.test(target);
    // Opening a missing SQLite file would create an empty one and recommend nothing, silently.
    if (!postgres && !existsSync(target)) throw new UsageError(`--database: no such SQLite file ${JSON.stringify(target)}`, { flag: '--database' });
    const database = postgres ? await openPostgresDatabase({ connection: target, poolSize: 2 }) : openSqliteDatabase({ path: target });
    try {
      const store = await createSqlReceiptStore({ database });
      const report = await recommendationsReport({ receipts: store, models: new ModelCatalog().routable(), days: String(days), ...(values.tenant !== undefined && { tenant: values.tenant }) });
      await store.close();
      if (values.json === true) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return 0;
      }
      process.stdout.write(`${report.receipts_analysed} receipts from ${report.from} to ${report.to}\n`);
      if (report.data.length === 0) process.stdout.write('No recommendation: no key or tenant sends enough traffic that a cheaper model was predicted to serve at the same quality.\n');
      for (const recommendation of report.data) process.stdout.write(`- ${recommendation.message}\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
