import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// The deploy files are never run here (no containers), so this checks what can go wrong without
// running them: they parse, the probes hit the paths the gateway serves on the port it listens on,
// and every environment variable they set is one the gateway reads.
const root = join(import.meta.dirname, '..');
const deploy = join(root, 'deploy');

/** The environment variables the gateway reads, from its sources (`process.env.NAME`, `environment.NAME`). */
function variablesTheGatewayReads(): Set<string> {
  const files = ['packages/cli/src/commands/serve.ts', 'examples/gateway/src/main.ts', ...readdirSync(join(root, 'adapters/http/src')).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')).map((name) => `adapters/http/src/${name}`)];
  const names = new Set<string>();
  for (const file of files) for (const match of readFileSync(join(root, file), 'utf8').matchAll(/(?:process\.env|environment)(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) names.add(match[1]!);
  // Provider keys are read by name from a table (providers-from-environment.ts).
  for (const match of readFileSync(join(root, 'adapters/http/src/providers-from-environment.ts'), 'utf8').matchAll(/'([A-Z][A-Z0-9_]*_(?:API_KEY|BASE_URL|MODELS))'/g)) names.add(match[1]!);
  return names;
}

const known = variablesTheGatewayReads();
const readYaml = (file: string) => parseAllDocuments(readFileSync(join(deploy, file), 'utf8')).map((document) => {
  expect(document.errors).toEqual([]);
  return document.toJS() as Record<string, any>;
});

describe('deploy files', () => {
  it('the gateway reads the variables this test looks for', () => {
    for (const name of ['PORT', 'ROUTEKIT_REDIS_URL', 'ROUTEKIT_DATABASE_URL', 'ROUTEKIT_DRAIN_DELAY_MS', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY']) expect(known).toContain(name);
  });

  it('kubernetes: probes on /ready and /health at the container port, a preStop drain, only variables the gateway reads', () => {
    const [deployment] = readYaml('kubernetes/deployment.yaml');
    expect(deployment!.kind).toBe('Deployment');
    const container = deployment!.spec.template.spec.containers[0];
    const port = container.ports.find((candidate: { name: string }) => candidate.name === 'http');
    const environment = new Map<string, { value?: string }>(container.env.map((variable: { name: string }) => [variable.name, variable]));
    expect(String(port.containerPort)).toBe(environment.get('PORT')!.value);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.lifecycle.preStop).toBeDefined();
    expect([...environment.keys()].filter((name) => !known.has(name))).toEqual([]);
    expect(environment.get('ROUTEKIT_REDIS_URL')!.value).toMatch(/^redis:\/\/routekit-redis:6379$/);
    // The grace period covers the preStop sleep and the drain.
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    expect(deployment!.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + Number(environment.get('ROUTEKIT_DRAIN_DELAY_MS')!.value) / 1000);

    const [service] = readYaml('kubernetes/service.yaml');
    expect(service!.spec.selector).toEqual(deployment!.spec.selector.matchLabels);
    expect(service!.spec.ports[0].targetPort).toBe('http');
    const external = readYaml('kubernetes/external-services.yaml');
    const names = external.filter((document) => document.kind === 'Service').map((document) => document.metadata.name);
    expect(names).toEqual(['routekit-redis', 'routekit-postgres']);
    const secret = external.find((document) => document.kind === 'Secret')!;
    for (const variable of container.env.filter((candidate: { valueFrom?: unknown }) => candidate.valueFrom)) {
      expect(secret.metadata.name).toBe(variable.valueFrom.secretKeyRef.name);
      expect(Object.keys(secret.stringData)).toContain(variable.valueFrom.secretKeyRef.key);
    }
    expect(secret.stringData['database-url']).toMatch(/@routekit-postgres:5432\//);
  });

  it('docker compose: three replicas on the shared stores, checked on /ready behind HAProxy', () => {
    const compose = parse(readFileSync(join(deploy, 'docker-compose.yml'), 'utf8'));
    const gateway = compose.services.gateway;
    expect(gateway.deploy.replicas).toBe(3);
    expect(Object.keys(gateway.environment).filter((name) => !known.has(name))).toEqual([]);
    expect(gateway.environment.ROUTEKIT_REDIS_URL).toBe('redis://redis:6379');
    expect(gateway.environment.ROUTEKIT_DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(gateway.expose).toEqual([gateway.environment.PORT]);
    expect(gateway.healthcheck.test.join(' ')).toContain(`127.0.0.1:${gateway.environment.PORT}/ready`);
    expect(Object.keys(gateway.depends_on).sort()).toEqual(['postgres', 'redis']);
    const haproxy = readFileSync(join(deploy, 'haproxy.cfg'), 'utf8');
    expect(haproxy).toContain('option httpchk GET /ready');
    expect(haproxy).toContain(`gateway:${gateway.environment.PORT} check`);
    expect(compose.services.haproxy.ports).toEqual([`127.0.0.1:${gateway.environment.PORT}:8787`]);
    // HAProxy's own check of the file (CI installs HAProxy for the cluster tests).
    const checked = spawnSync('haproxy', ['-c', '-f', join(deploy, 'haproxy.cfg')], { encoding: 'utf8' });
    expect(checked.error, 'HAProxy is not installed: apt-get install -y haproxy').toBeUndefined();
    expect(checked.status, checked.stderr).toBe(0);
    const dockerfile = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`EXPOSE ${gateway.environment.PORT}`);
  });
});
