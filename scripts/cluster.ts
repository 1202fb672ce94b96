// `npm run cluster`: routekit as several replicas on one machine, as it runs on several.
// Starts Redis and PostgreSQL when they are installed but not running, three `routekit serve`
// replicas on their own loopback ports sharing ROUTEKIT_REDIS_URL and ROUTEKIT_DATABASE_URL, and
// HAProxy in front (round robin, health checks on /ready) on 127.0.0.1:$PORT (default 8787).
// Ctrl-C stops everything it started.
//   npm run cluster -- [--config FILE] [--replicas 3]
// Without providers in the environment or the config, each replica runs the labelled demo.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from './cluster/start-cluster.js';
import { listening, onPath, waitFor } from './local-services.js';

const { values } = parseArgs({ options: { config: { type: 'string' }, replicas: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  process.stdout.write('usage: npm run cluster -- [--config FILE] [--replicas 3]   (PORT, ROUTEKIT_REDIS_URL, ROUTEKIT_DATABASE_URL from the environment)\n');
  process.exit(0);
}
const replicas = Number(values.replicas ?? 3);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) {
  console.error(`npm run cluster: --replicas must be 1-16, got ${values.replicas}`);
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8787);
const redisUrl = process.env.ROUTEKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.ROUTEKIT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/routekit';
const stopOnExit: Array<() => void> = [];

/** Redis on the URL's port: already running, or started here (and stopped on exit) when installed on 127.0.0.1. */
async function redis(): Promise<void> {
  const url = new URL(redisUrl);
  const redisPort = Number(url.port || 6379);
  if (await listening(redisPort)) return;
  if (!['127.0.0.1', 'localhost'].includes(url.hostname) || !onPath('redis-server')) throw new Error(`Redis is not reachable at ${url.host}: start it, or install it (apt-get install redis-server)`);
  const child: ChildProcess = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', mkdtempSync(join(tmpdir(), 'routekit-redis-'))], { stdio: 'ignore' });
  stopOnExit.push(() => child.kill('SIGTERM'));
  if (!(await waitFor(redisPort, 5_000))) throw new Error('redis-server did not start');
  console.log(`cluster: started Redis on 127.0.0.1:${redisPort}`);
}

/** PostgreSQL: already running, or its Debian cluster started here (and stopped on exit); the database is created when missing. */
async function postgres(): Promise<void> {
  const url = new URL(databaseUrl);
  const postgresPort = Number(url.port || 5432);
  if (!(await listening(postgresPort))) {
    const clusters = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) || clusters.length === 0) throw new Error(`PostgreSQL is not reachable at ${url.host}: start it, or install it (apt-get install postgresql)`);
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', clusters[0]!, 'main', 'start'], { stdio: 'ignore' });
    stopOnExit.push(() => spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', clusters[0]!, 'main', 'stop'], { stdio: 'ignore' }));
    if (!(await waitFor(postgresPort, 10_000))) throw new Error(`PostgreSQL did not start: pg_ctlcluster ${clusters[0]} main start`);
    console.log(`cluster: started PostgreSQL ${clusters[0]} on 127.0.0.1:${postgresPort}`);
  }
  const name = url.pathname.slice(1);
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rows.length === 0) {
    // A database name cannot be a query parameter; this one is checked to be a plain identifier.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be a plain identifier to be created here`);
    await admin.query(`CREATE DATABASE ${name}`);
    console.log(`cluster: created database ${name}`);
  }
  await admin.end();
}

function stopServices(): void {
  for (const stop of stopOnExit.splice(0).reverse()) stop();
}

try {
  await redis();
  await postgres();
  const cluster = await startCluster({
    replicas,
    port,
    ...(values.config !== undefined ? { configFile: resolve(values.config) } : { config: { cache: true } }),
    environment: { ROUTEKIT_REDIS_URL: redisUrl, ROUTEKIT_DATABASE_URL: databaseUrl },
    log: (line) => console.log(line),
  });
  console.log(`\ncluster: ${replicas} replicas (${cluster.replicas.map((replica) => replica.url).join(', ')}) behind HAProxy at ${cluster.url}/v1`);
  console.log(`cluster: shared state on ${redisUrl}, receipts on ${databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}; Ctrl-C stops everything\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\ncluster: stopping the replicas (they drain) and HAProxy');
    void cluster.close().finally(() => {
      stopServices();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`npm run cluster: ${error instanceof Error ? error.message : String(error)}`);
  stopServices();
  process.exit(1);
}
