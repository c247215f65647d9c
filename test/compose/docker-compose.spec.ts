import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validateEnvironment } from '../../libs/config/environment';

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
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeProject {
  services: Record<string, ComposeService>;
}

async function loadCompose(env: Record<string, string>): Promise<ComposeProject> {
  const binary = join(process.env.TEST_WORK_DIR!, 'compose-check');
  if (!existsSync(binary)) {
    await run('go', ['build', '-o', binary, '.'], { cwd: join(ROOT, 'tools', 'compose-check') });
  }
  const { stdout } = await run(binary, [join(ROOT, 'docker-compose.yml')], {
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
    const published = (name: string) => service(name).ports?.map((p) => p.target);
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
