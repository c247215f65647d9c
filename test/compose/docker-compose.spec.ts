import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validateEnvironment } from '../../libs/config/environment';
import { SEARCH_ATTRIBUTE_NAMES } from '../../libs/temporal/search-attributes';
import {
  deployEnvFile,
  TEMPORAL_DEPLOY_DIR,
  temporalServerSettings,
} from '../../scripts/stack/temporal-cluster';
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
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: { target: number; published: string }[];
  healthcheck?: { test: string[] };
  volumes?: { type: string; source: string; target: string }[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
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

  it('runs the official images: MongoDB 7, PostgreSQL, the Temporal server and UI', () => {
    expect(service('mongo').image).toBe('mongo:7');
    expect(service('postgresql').image).toMatch(/^postgres:\d+/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
  });

  describe('Temporal, its services apart, configured by deploy/temporal as test:cluster is', () => {
    const roles = {
      temporal: 'frontend',
      'temporal-history': 'history',
      'temporal-matching': 'matching',
      'temporal-worker': 'worker',
    };
    const installScript = readFileSync(join(ROOT, 'scripts', 'install-servers.sh'), 'utf8');
    const builtVersion = /^TEMPORAL_SERVER_VERSION="v([\d.]+)"$/m.exec(installScript)![1];

    it.each(Object.entries(roles))(
      '%s runs the %s service of the server version test:cluster builds, with server.env',
      (name, role) => {
        const temporal = service(name);
        expect(temporal.image).toBe(`temporalio/server:${builtVersion}`);
        expect(temporal.environment?.TEMPORAL_SERVICES).toBe(role);
        // Every setting of the file the cluster's processes read, unchanged.
        expect(temporal.environment).toMatchObject(temporalServerSettings());
        expect(temporal.environment).toMatchObject({ POSTGRES_SEEDS: 'postgresql', DB: 'postgres12' });
        // The dynamic config the cluster reads, mounted where the server is told to look.
        const dynamicConfig = temporal.volumes?.find(
          (v) => v.target === temporal.environment?.DYNAMIC_CONFIG_FILE_PATH,
        );
        expect(dynamicConfig?.source).toBe(join(TEMPORAL_DEPLOY_DIR, 'dynamicconfig.yaml'));
        expect(temporal.depends_on).toMatchObject({
          'temporal-schema': { condition: 'service_completed_successfully' },
        });
      },
    );

    it.each([
      ['temporal-schema', 'schema', 'postgresql'],
      ['temporal-namespace', 'namespace', 'temporal'],
    ])(
      '%s runs deploy/temporal/setup.sh %s (as test:cluster does) in the admin tools',
      (name, step, after) => {
        const setup = service(name);
        expect(setup.image).toBe(`temporalio/admin-tools:${builtVersion}`);
        const deploy = setup.volumes?.find((v) => v.source === TEMPORAL_DEPLOY_DIR);
        expect(setup.entrypoint).toEqual(['bash', `${deploy!.target}/setup.sh`]);
        expect(setup.command).toEqual([step]);
        expect(setup.restart).toBe('on-failure');
        expect(Object.keys(setup.depends_on ?? {})).toContain(after);
      },
    );

    it('registers the namespace the service runs in and the search attributes its code names', () => {
      const namespace = deployEnvFile('namespace.env');
      for (const name of ['api', 'worker'])
        expect(validateEnvironment(service(name).environment ?? {}).TEMPORAL_NAMESPACE).toBe(
          namespace.TEMPORAL_NAMESPACE,
        );
      expect(namespace.TEMPORAL_NAMESPACE_RETENTION).toMatch(/^\d+h$/);
      const listed = readFileSync(join(TEMPORAL_DEPLOY_DIR, 'search-attributes.txt'), 'utf8')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('#'))
        .map((line) => line.split(/\s+/));
      expect(listed.map(([name]) => name).sort()).toEqual([...SEARCH_ATTRIBUTE_NAMES].sort());
      expect(new Set(listed.map(([, type]) => type))).toEqual(new Set(['Keyword']));
    });
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

  it('leaves the search attributes to setup (not the worker) and shares one task queue', () => {
    const worker = validateEnvironment(service('worker').environment ?? {});
    const api = validateEnvironment(service('api').environment ?? {});
    expect(worker.TEMPORAL_REGISTER_SEARCH_ATTRIBUTES).toBe(false);
    expect(worker.TEMPORAL_TASK_QUEUE).toBe(api.TEMPORAL_TASK_QUEUE);
    expect(service('temporal-ui').environment?.TEMPORAL_ADDRESS).toBe(api.TEMPORAL_ADDRESS);
  });

  it('publishes the API, the Temporal UI and the Temporal frontend', () => {
    expect(published('api')).toContain(validateEnvironment(service('api').environment ?? {}).PORT);
    expect(published('temporal-ui')).toContain(8080);
    expect(published('temporal')).toContain(7233);
  });

  it('health-checks every server and starts each after what it needs is ready', () => {
    for (const name of ['mongo', 'postgresql', 'api']) {
      expect(service(name).healthcheck?.test?.length).toBeGreaterThan(0);
    }
    expect(service('api').healthcheck?.test.join(' ')).toContain('/v1/health/ready');
    expect(service('temporal-schema').depends_on).toMatchObject({
      postgresql: { condition: 'service_healthy' },
    });
    // Set up once the frontend answers (setup.sh waits for it); what runs on Temporal comes after.
    for (const name of ['api', 'worker', 'temporal-ui']) {
      expect(service(name).depends_on).toMatchObject({
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
    for (const name of ['api', 'worker'])
      expect(service(name).depends_on).toMatchObject({ mongo: { condition: 'service_healthy' } });
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

    it("Prometheus scrapes the service's and Temporal's /metrics, where they serve them", () => {
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
      // Each Temporal service, where PROMETHEUS_ENDPOINT has it serve.
      const temporal = ['temporal', 'temporal-history', 'temporal-matching', 'temporal-worker'];
      expect(targets('temporal')).toEqual(
        temporal.map((name) => `${name}:${service(name).environment!.PROMETHEUS_ENDPOINT.split(':')[1]}`),
      );
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
