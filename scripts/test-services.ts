// `npm test` runs this first: the suite talks to a real Redis and a real PostgreSQL on 127.0.0.1 and
// drives Debian's chromium. A service that is installed but stopped is started, as `.ci/run` does;
// one that is missing stops the run within a second with one line naming the command that installs
// it, instead of a wall of ECONNREFUSED from dozens of tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { listening, onPath, waitFor } from './local-services.js';

async function redis(): Promise<string | undefined> {
  if (await listening(6379)) return undefined;
  if (!onPath('redis-server')) return 'Redis is not installed: apt-get install redis-server (or run one on 127.0.0.1:6379)';
  mkdirSync('/tmp/routekit-test-redis', { recursive: true });
  spawnSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/tmp/routekit-test-redis'], { stdio: 'ignore' });
  return (await waitFor(6379, 5_000)) ? undefined : 'Redis is installed but did not start on 127.0.0.1:6379: redis-server --daemonize yes --port 6379';
}

async function postgres(): Promise<string | undefined> {
  if (await listening(5432)) return undefined;
  const clusters = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (clusters.length === 0) return "PostgreSQL is not installed: apt-get install postgresql (tests use database 'test' on 127.0.0.1:5432, trust auth)";
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', clusters[0]!, 'main', 'start'], { stdio: 'ignore' });
  if (!(await waitFor(5432, 10_000))) return `PostgreSQL is installed but did not start: pg_ctlcluster ${clusters[0]} main start`;
  // The tests' database; creating it again when it exists is harmless.
  try {
    execFileSync('su', ['postgres', '-c', 'createdb test'], { stdio: 'ignore' });
  } catch {
    // It exists already (or this user cannot create it: the tests then say so themselves).
  }
  return undefined;
}

function chromium(): string | undefined {
  return existsSync('/usr/bin/chromium') ? undefined : "chromium is not installed (the dashboard's browser test uses it): apt-get install chromium";
}

function haproxy(): string | undefined {
  return onPath('haproxy') ? undefined : 'HAProxy is not installed (the cluster tests put it in front of three gateway replicas): apt-get install haproxy';
}

const missing = (await Promise.all([redis(), postgres(), Promise.resolve(chromium()), Promise.resolve(haproxy())])).filter((line) => line !== undefined);
for (const line of missing) console.error(`npm test: ${line}`);
process.exit(missing.length === 0 ? 0 : 1);
