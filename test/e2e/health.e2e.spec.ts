import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { FerretDb } from '../../scripts/stack/ferretdb';
import { freePort } from '../../scripts/stack/ports';
import { startApi } from '../support/app';
import { ownFerretDb } from '../support/own-ferretdb';
import { pollUntil } from '../support/poll';

const ready = (api: NestExpressApplication) => () => request(api.getHttpServer()).get('/v1/health/ready');

describe('health', () => {
  it('answers liveness without touching a dependency', async () => {
    const api = await startApi();
    try {
      await request(api.getHttpServer()).get('/v1/health').expect(200, { status: 'ok' });
    } finally {
      await api.close();
    }
  });

  describe('readiness while the database goes away and comes back', () => {
    // A FerretDB of this test's own, so stopping it disturbs no other test file.
    let ferret: FerretDb;
    let api: NestExpressApplication;
    const startOwnFerret = ownFerretDb(join(process.env.TEST_WORK_DIR!, 'health-ferretdb'));

    beforeAll(async () => {
      ferret = await startOwnFerret();
      api = await startApi({ MONGODB_URI: `${ferret.uri}/test_health`, HEALTH_CHECK_TIMEOUT_MS: '1000' });
    });

    afterAll(async () => {
      await api?.close();
      await ferret?.process.stop();
    });

    it('reports both dependencies up, then 503 naming MongoDB when it stops, then up again without a restart', async () => {
      const up = await ready(api)().expect(200);
      expect(up.body.details).toMatchObject({ mongodb: { status: 'up' }, temporal: { status: 'up' } });

      await ferret.process.stop(1_000);
      const down = await pollUntil(ready(api), (res) => res.status === 503);
      expect(down.body).toMatchObject({
        statusCode: 503,
        code: 'NOT_READY',
        message: 'Not ready: mongodb down',
        details: { mongodb: { status: 'down' }, temporal: { status: 'up' } },
      });

      ferret = await startOwnFerret(ferret.port);
      const back = await pollUntil(ready(api), (res) => res.status === 200);
      expect(back.body.details.mongodb.status).toBe('up');
    });
  });

  it('answers 503 naming Temporal when it cannot be reached, and still starts', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const api = await startApi({
      TEMPORAL_ADDRESS: nobody,
      HEALTH_CHECK_TIMEOUT_MS: '1000',
      TEMPORAL_CONNECT_TIMEOUT_MS: '1000',
    });
    try {
      const res = await ready(api)().expect(503);
      expect(res.body).toMatchObject({
        code: 'NOT_READY',
        message: 'Not ready: temporal down',
        details: { temporal: { status: 'down', address: nobody }, mongodb: { status: 'up' } },
      });
    } finally {
      await api.close();
    }
  });
});
