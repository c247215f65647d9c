import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';

const ready = (api: NestExpressApplication) => () => request(api.getHttpServer()).get('/v1/health/ready');

describe('health', () => {
  describe('with a database server of its own, which goes away and comes back', () => {
    const stack = useStack({ ownStore: true, worker: false, api: { HEALTH_CHECK_TIMEOUT_MS: '1000' } });

    it('answers liveness without touching a dependency', async () => {
      await request(stack.api.getHttpServer()).get('/v1/health').expect(200, { status: 'ok' });
    });

    it('reports both dependencies up, then 503 naming MongoDB when it stops (a request that needs it: 503 to retry), then up again without a restart', async () => {
      const api = stack.api;
      const up = await ready(api)().expect(200);
      expect(up.body.details).toMatchObject({ mongodb: { status: 'up' }, temporal: { status: 'up' } });

      await stack.store.stop();
      const down = await pollUntil(ready(api), (res) => res.status === 503);
      expect(down.body).toMatchObject({
        statusCode: 503,
        code: 'NOT_READY',
        message: 'Not ready: mongodb down',
        details: { mongodb: { status: 'down' }, temporal: { status: 'up' } },
      });
      // A dependency out of reach is not the API's fault, and the same request may succeed later.
      const refused = await stack.client.operator.get('/v1/workspaces');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.body).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringMatching(/^the database cannot be reached for the moment/),
      });

      await stack.store.restart();
      const back = await pollUntil(ready(api), (res) => res.status === 200);
      expect(back.body.details.mongodb.status).toBe('up');
    });
  });

  describe('with a Temporal that cannot be reached', () => {
    // Port 1: nothing listens there, so a connection is refused at once.
    const nobody = '127.0.0.1:1';
    const stack = useStack({
      worker: false,
      api: { TEMPORAL_ADDRESS: nobody, HEALTH_CHECK_TIMEOUT_MS: '1000', TEMPORAL_CONNECT_TIMEOUT_MS: '1000' },
    });

    it('answers 503 naming Temporal, and still starts', async () => {
      const res = await ready(stack.api)().expect(503);
      expect(res.body).toMatchObject({
        code: 'NOT_READY',
        message: 'Not ready: temporal down',
        details: { temporal: { status: 'down', address: nobody }, mongodb: { status: 'up' } },
      });
    });
  });
});
