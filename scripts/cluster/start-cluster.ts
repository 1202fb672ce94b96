// Three (or more) `routekit serve` replicas on their own loopback ports, sharing one Redis and one
// PostgreSQL, behind HAProxy (round robin, health checks on /ready). Used by `npm run cluster` and
// by the cluster tests, so what the tests prove is what an operator runs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repository = join(import.meta.dirname, '..', '..');

export interface ClusterOptions {
  /** A \`routekit serve --config\` file (JSON or YAML) to use instead of \`config\`. */
  configFile?: string;
  /** Log HAProxy's one line per request (and the replicas' output) through \`log\`. */
  requestLog?: boolean;
  /** `routekit serve --config` contents (JSON); the replicas' ports are given on their command lines. */
  config?: Record<string, unknown>;
  /** How many replicas. Default 3. */
  replicas?: number;
  /** Port of the load balancer on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Environment of every replica, beside the process's own (e.g. ROUTEKIT_DATABASE_URL, ROUTEKIT_REDIS_URL). */
  environment?: NodeJS.ProcessEnv;
  /** Where a replica's and HAProxy's output goes, line by line. Default: kept, shown only on a failed start. */
  log?: (line: string) => void;
}

export interface Replica {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** The running process, undefined while stopped. */
  process: ChildProcess | undefined;
}

export interface Cluster {
  /** The load balancer, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** HAProxy's process id (for CPU measurements). */
  readonly balancerPid: number;
  readonly replicas: Replica[];
  /** Starts a stopped replica and resolves once it listens. */
  start(replica: Replica): Promise<void>;
  /** SIGTERM (a graceful drain) or SIGKILL; resolves once the process has exited, with its exit code. */
  stop(replica: Replica, signal?: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
  /** Resolves once HAProxy's health check sees every running replica up (bounded). */
  balanced(): Promise<void>;
  /** Stops every replica (SIGTERM) and HAProxy. */
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** HAProxy's binary, or an error saying how to install it (the cluster cannot run without a real balancer). */
export function haproxyBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  if (found.status !== 0 || found.stdout.trim() === '') throw new Error('HAProxy is not installed: apt-get install -y haproxy (the cluster runs the replicas behind a real load balancer)');
  return found.stdout.trim();
}

/**
 * The balancer: round robin over the replicas, each checked on /ready every 500 ms (down after 2
 * failures, up after 1 success). A request whose connection is refused (a replica draining or
 * restarting) is sent to another replica; connections to replicas are not kept alive, so a request
 * never lands on a connection a draining replica is closing. `x-routekit-replica` names the
 * replica that answered.
 */
export function haproxyConfig(port: number, replicas: ReadonlyArray<{ name: string; port: number }>, statsSocket: string, requestLog = false): string {
  return `global
  maxconn 4096
  stats socket ${statsSocket} mode 600 level admin
${requestLog ? '  log stdout format raw local0\n' : ''}
defaults
  mode http
${requestLog ? '  log global\n  option httplog\n' : ''}  timeout connect 1s
  timeout client 120s
  timeout server 120s
  timeout http-request 10s
  # Longer than clients keep idle connections (Node's fetch: 4 s), so a client never sends a request
  # on a connection the balancer is closing.
  timeout http-keep-alive 60s
  # A replica busy with a burst may take seconds to answer /ready: slow is not down.
  timeout check 4s
  retries 3
  option redispatch 1
  retry-on conn-failure

frontend gateway
  bind 127.0.0.1:${port}
  default_backend replicas

backend replicas
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  # Connections to replicas are kept alive and reused; idle ones are closed by HAProxy within 1 s,
  # long before a replica's own idle timeout (5 s), so a request never lands on one being closed.
  default-server inter 500ms fastinter 250ms fall 2 rise 1 pool-purge-delay 1s
  http-response set-header x-routekit-replica %s
${replicas.map((replica) => `  server ${replica.name} 127.0.0.1:${replica.port} check`).join('\n')}
`;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const haproxy = haproxyBinary();
  const folder = mkdtempSync(join(tmpdir(), 'routekit-cluster-'));
  const configFile = options.configFile ?? join(folder, 'routekit.json');
  if (options.configFile === undefined) writeFileSync(configFile, JSON.stringify(options.config ?? {}, null, 2));
  const count = options.replicas ?? 3;
  const replicas: Replica[] = [];
  for (let index = 1; index <= count; index += 1) {
    const port = await freePort();
    replicas.push({ name: `replica-${index}`, port, url: `http://127.0.0.1:${port}`, process: undefined });
  }
  const port = options.port ?? (await freePort());
  const statsSocket = join(folder, 'haproxy.sock');
  const haproxyFile = join(folder, 'haproxy.cfg');
  writeFileSync(haproxyFile, haproxyConfig(port, replicas, statsSocket, options.requestLog === true));
  const checked = spawnSync(haproxy, ['-c', '-f', haproxyFile], { encoding: 'utf8' });
  if (checked.status !== 0) throw new Error(`haproxy refused its configuration: ${checked.stderr || checked.stdout}`);

  const output = new Map<Replica, string>();
  // Drain: after SIGTERM a replica fails /ready while still serving, until HAProxy has taken it out
  // (2 failed checks: 0.75 s when the replica answers at once, seconds when the machine is busy)
  // and no request came for a second, 10 s at most; so no request meets a closed port.
  const environment = { ...process.env, ROUTEKIT_DRAIN_DELAY_MS: '10000', ...options.environment };
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'ROUTEKIT_LOCAL_BASE_URL', 'ROUTEKIT_LOCAL_MODELS']) delete environment[name];

  async function start(replica: Replica): Promise<void> {
    // The CLI from its TypeScript sources (no build needed), as `routekit serve` would run.
    const child = spawn(process.execPath, ['--conditions=@routekit/source', '--import', 'tsx', join(repository, 'packages/cli/src/main.ts'), 'serve', '--config', configFile, '--port', String(replica.port), '--host', '127.0.0.1'], { cwd: repository, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    replica.process = child;
    output.set(replica, '');
    const read = (data: Buffer) => {
      const text = data.toString();
      output.set(replica, (output.get(replica) ?? '') + text);
      if (options.log) for (const line of text.split('\n').filter(Boolean)) options.log(`${replica.name}: ${line}`);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<void>((resolve) => {
      const check = () => (output.get(replica)?.includes('routekit: gateway on') ? resolve() : setTimeout(check, 50));
      check();
    });
    const outcome = await Promise.race([listening.then(() => 'up' as const), exited.then(() => 'exited' as const), new Promise<'slow'>((resolve) => setTimeout(() => resolve('slow'), 30_000))]);
    if (outcome !== 'up') {
      child.kill('SIGKILL');
      throw new Error(`${replica.name} did not start (${outcome}):\n${output.get(replica)}`);
    }
  }

  async function stop(replica: Replica, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    const child = replica.process;
    if (!child) return null;
    replica.process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }

  await Promise.all(replicas.map(start));
  const balancer = spawn(haproxy, ['-db', '-f', haproxyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let balancerOutput = '';
  const readBalancer = (data: Buffer) => {
    balancerOutput += data.toString();
    if (options.log) for (const line of data.toString().split('\n').filter(Boolean)) options.log(`haproxy: ${line}`);
  };
  balancer.stdout!.on('data', readBalancer);
  balancer.stderr!.on('data', readBalancer);

  /** Every running replica's state as HAProxy's health checks see it ("UP", "DOWN", ...), from its admin socket. */
  async function states(): Promise<Map<string, string>> {
    const { connect } = await import('node:net');
    const text = await new Promise<string>((resolve) => {
      const socket = connect(statsSocket);
      let answer = '';
      socket.on('data', (data) => (answer += data.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', () => resolve(''));
      socket.on('connect', () => socket.write('show stat\n'));
    });
    const result = new Map<string, string>();
    const rows = text.split('\n').map((line) => line.split(','));
    const header = rows[0] ?? [];
    const status = header.indexOf('status');
    for (const row of rows) if (row[0] === 'replicas' && row[1]?.startsWith('replica-')) result.set(row[1], row[status] ?? '');
    return result;
  }

  const cluster: Cluster = {
    url: `http://127.0.0.1:${port}`,
    balancerPid: balancer.pid!,
    replicas,
    start,
    stop,
    async balanced() {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        if (balancer.exitCode !== null) throw new Error(`haproxy exited:\n${balancerOutput}`);
        const seen = await states();
        if (replicas.every((replica) => replica.process === undefined || seen.get(replica.name)?.startsWith('UP'))) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // What a replica that stayed down last said (its exit, a stack, an outage line) is what to read next.
      const seen = await states();
      const down = replicas.filter((replica) => replica.process !== undefined && !seen.get(replica.name)?.startsWith('UP'));
      const said = down.map((replica) => `${replica.name} (exit code ${replica.process?.exitCode ?? 'none: still running'}), its last lines:\n${(output.get(replica) ?? '').split("\n").slice(-40).join("\n")}`).join('\n');
      throw new Error(`the balancer did not see every replica up: ${JSON.stringify(Object.fromEntries(seen))}\n${said}`);
    },
    async close() {
      await Promise.all(replicas.map((replica) => stop(replica)));
      const exited = new Promise((resolve) => balancer.once('exit', resolve));
      if (balancer.exitCode === null) balancer.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await cluster.balanced();
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}
