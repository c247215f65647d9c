import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validateEnvironment } from '../../libs/config/environment';
import { parse } from 'yaml';
import { goTool } from '../support/go-tool';

/**
 * docker-compose.yml is the production-like stack; Docker cannot run here, so this loads it with
 * compose-go (the library `docker compose` uses: schema, interpolation, merge keys, consistency)
 * and checks that it holds what the service needs.
 */
const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: { target: number; published: string }[];
  healthcheck?: { test: string[] };
  volumes?: { type: string; source: string; target: string }[];
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeProject {
  services: Record<string, ComposeService>;
}

async function loadCompose(env: Record<string, string>): Promise<ComposeProject> {
  const { stdout } = await run(await goTool('compose-check'), [join(ROOT, 'docker-compose.yml')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    maxBuffer: 1 << 22,
  });
  return JSON.parse(stdout) as ComposeProject;
}

describe('docker-compose.yml', () => {
  let project: ComposeProject;
  const secrets = { ADMIN_TOKEN: 'a'.repeat(40), MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };

  beforeAll(async () => {
    project = await loadCompose(secrets);
  }, 300_000);

  const service = (name: string) => {
    const found = project.services[name];
    if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
    return found;
  };
  const hostOf = (address: string) => address.replace(/^mongodb:\/\//, '').split(/[:/]/)[0];
  const published = (name: string) => service(name).ports?.map((p) => p.target);

  it.each(['ADMIN_TOKEN', 'MASTER_KEY'] as const)('refuses to start without %s', async (name) => {
    const { [name]: _left, ...others } = secrets;
    await expect(loadCompose(others)).rejects.toThrow(new RegExp(name));
  });

  it('runs the official images: MongoDB 7, PostgreSQL, Temporal, the Temporal UI', () => {
    expect(service('mongo').image).toBe('mongo:7');
    expect(service('postgresql').image).toMatch(/^postgres:\d+/);
    expect(service('temporal').image).toMatch(/^temporalio\/(auto-setup|server):\d+\.\d+\.\d+$/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(service('temporal').environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
  });

  it.each(['api', 'worker'])(
    'builds the %s from the repository Dockerfile and runs its entry point',
    (name) => {
      const app = service(name);
      expect(app.build?.dockerfile).toBe('Dockerfile');
      expect(existsSync(join(app.build!.context, 'Dockerfile'))).toBe(true);
      const entry = app.command?.find((part) => part.startsWith('dist/'));
      expect(entry).toBe(`dist/apps/${name}/src/main.js`);
      expect(existsSync(join(ROOT, entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    },
  );

  it.each(['api', 'worker'])('gives the %s a configuration the service accepts in production', (name) => {
    const env = validateEnvironment(service(name).environment ?? {});
    expect(env.NODE_ENV).toBe('production');
    expect(service(hostOf(env.MONGODB_URI)).image).toBe('mongo:7');
    expect(hostOf(env.TEMPORAL_ADDRESS)).toBe('temporal');
    expect(env.TEMPORAL_WORKFLOW_BUNDLE).toBe('/app/dist/workflow-bundle.js');
  });

  it('registers the search attributes (the worker does, at start) and shares one task queue', () => {
    const worker = validateEnvironment(service('worker').environment ?? {});
    const api = validateEnvironment(service('api').environment ?? {});
    expect(worker.TEMPORAL_REGISTER_SEARCH_ATTRIBUTES).toBe(true);
    expect(worker.TEMPORAL_TASK_QUEUE).toBe(api.TEMPORAL_TASK_QUEUE);
    expect(service('temporal-ui').environment?.TEMPORAL_ADDRESS).toBe(api.TEMPORAL_ADDRESS);
  });

  it('publishes the API, the Temporal UI and the Temporal frontend', () => {
    expect(published('api')).toContain(validateEnvironment(service('api').environment ?? {}).PORT);
    expect(published('temporal-ui')).toContain(8080);
    expect(published('temporal')).toContain(7233);
  });

  it('health-checks every server and starts each after what it needs is healthy', () => {
    for (const name of ['mongo', 'postgresql', 'temporal', 'api']) {
      expect(service(name).healthcheck?.test?.length).toBeGreaterThan(0);
    }
    expect(service('api').healthcheck?.test.join(' ')).toContain('/v1/health/ready');
    expect(service('temporal').depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });
    for (const name of ['api', 'worker']) {
      expect(service(name).depends_on).toMatchObject({
        mongo: { condition: 'service_healthy' },
        temporal: { condition: 'service_healthy' },
      });
    }
  });

  describe('observability', () => {
    /** The file or folder of the repository that a service mounts at `target`. */
    const mounted = (name: string, target: string) => {
      const bind = service(name).volumes?.find((v) => v.type === 'bind' && v.target === target);
      if (!bind) throw new Error(`${name} mounts nothing at ${target}`);
      expect(bind.source.startsWith(ROOT)).toBe(true);
      return bind.source;
    };
    const yamlOf = <T>(file: string) => parse(readFileSync(file, 'utf8')) as T;

    it('runs Prometheus, Grafana and Jaeger from their official images, their UIs published', () => {
      expect(service('prometheus').image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
      expect(service('grafana').image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
      expect(service('jaeger').image).toMatch(/^jaegertracing\/all-in-one:\d+\.\d+\.\d+$/);
      expect(published('prometheus')).toContain(9090);
      expect(published('grafana')).toContain(3000);
      expect(published('jaeger')).toContain(16686);
    });

    it("Prometheus scrapes both processes' /metrics, where the service serves them", () => {
      const config = yamlOf<{
        scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
      }>(mounted('prometheus', '/etc/prometheus/prometheus.yml'));
      expect(service('prometheus').command).toContain('--config.file=/etc/prometheus/prometheus.yml');
      const targets = (job: string) =>
        config.scrape_configs.find((c) => c.job_name === job)?.static_configs.flatMap((c) => c.targets);
      const api = validateEnvironment(service('api').environment ?? {});
      const worker = validateEnvironment(service('worker').environment ?? {});
      // Apart from the public port, on every interface of the container (the compose network).
      expect(api.API_METRICS_PORT).not.toBe(api.PORT);
      expect(api.API_METRICS_HOST).toBe('0.0.0.0');
      expect(targets('api')).toEqual([`api:${api.API_METRICS_PORT}`]);
      // In production the worker serves /metrics only when its port is set: it is.
      expect(worker.WORKER_METRICS_HOST).toBe('0.0.0.0');
      expect(targets('worker')).toEqual([`worker:${worker.WORKER_METRICS_PORT}`]);
      expect(published('api')).not.toContain(api.API_METRICS_PORT);
    });

    it('Grafana is provisioned with Prometheus and the dashboard of the repository', () => {
      const provisioning = mounted('grafana', '/etc/grafana/provisioning');
      const datasources = yamlOf<{ datasources: { type: string; url: string; uid: string }[] }>(
        join(provisioning, 'datasources', 'prometheus.yml'),
      );
      expect(datasources.datasources).toEqual([
        expect.objectContaining({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' }),
      ]);
      const providers = yamlOf<{ providers: { options: { path: string } }[] }>(
        join(provisioning, 'dashboards', 'dashboards.yml'),
      );
      const dashboards = mounted('grafana', providers.providers[0].options.path);
      expect(dashboards).toBe(join(ROOT, 'deploy', 'grafana', 'dashboards'));
      const home = service('grafana').environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
      expect(home).toBe(`${providers.providers[0].options.path}/webhooks.json`);
      // What the operator must see; observability.e2e checks each name against a real scrape.
      const dashboard = readFileSync(join(dashboards, 'webhooks.json'), 'utf8');
      for (const metric of [
        'webhook_deliveries_finished_total',
        'webhook_attempt_duration_seconds_bucket',
        'webhook_deliveries_pending',
        'webhook_deliveries_oldest_pending_age_seconds',
        'webhooks_disabled',
        'temporal_worker_task_slots_available',
        'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
      ])
        expect(dashboard).toContain(metric);
      expect(JSON.parse(dashboard)).toMatchObject({ uid: 'applications-webhooks' });
    });

    it('both processes send their traces to Jaeger by OTLP over HTTP', () => {
      expect(service('jaeger').environment?.COLLECTOR_OTLP_ENABLED).toBe('true');
      for (const name of ['api', 'worker']) {
        expect(service(name).environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
        expect(service(name).environment?.OTEL_SERVICE_NAME).toBe(`applications-webhooks-${name}`);
      }
    });
  });

  it('copies into the image every source folder the build compiles', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    for (const folder of build.include) {
      expect(dockerfile).toMatch(new RegExp(`^COPY ${folder} ${folder}$`, 'm'));
    }
  });
});
