import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { assignRequestId } from '../../../libs/logging/logger.module';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Environment } from '../../../libs/config/environment';
import { requestMetrics } from '../../../libs/http/request-metrics';
import { answerScrape } from '../../../libs/observability/metrics-endpoint';
import { ServiceMetrics } from '../../../libs/observability/service-metrics';
import { ApiExceptionFilter } from '../../../libs/http/api-exception.filter';
import { serveConsole } from './console/console-pages';
import { jsonBody } from '../../../libs/http/json-body';
import { createValidationPipe } from '../../../libs/http/validation';
import { UndeclaredInputInterceptor } from '../../../libs/http/undeclared-input.interceptor';

/**
 * How the API is created, by main.ts and the tests alike: no body parser of Nest's own (it would
 * read forms too); configureApp installs the JSON-only one.
 */
export const API_OPTIONS = { bodyParser: false, bufferLogs: true } as const;

/**
 * The Express instance under the API, for main.ts and the tests alike: one spelling per route
 * (`/v1/APPLICATIONS` is no route). Set here because Express fixes it when its router is made,
 * which Nest does before configureApp runs.
 */
export const apiHttpAdapter = () => new ExpressAdapter(express().enable('case sensitive routing'));

/**
 * Everything that makes the API what it is, beyond its modules: used by main.ts and by the e2e
 * tests, so tests exercise the same app that runs.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Answers carry keys, secrets and tenant data: no cache keeps them, no ETag reveals a change.
  app.set('etag', false);
  app.use('/v1', noStore);
  serveMetrics(app);
  // The request ID comes first, so even a body the parser rejects is answered with one.
  app.use(assignRequestId);
  app.use(...jsonBody());
  // The console's session cookie (console/session-cookie.ts); nothing else reads cookies.
  app.use(cookieParser());
  serveConsole(app);
  app.setGlobalPrefix('v1');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new UndeclaredInputInterceptor());
  app.useGlobalFilters(new ApiExceptionFilter());

  SwaggerModule.setup('docs', app, apiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * Request metrics for every request, first, so that refusals by the body parser count too; and
 * GET /metrics on the API's port unless API_METRICS_PORT serves it apart (MetricsListener).
 */
function serveMetrics(app: NestExpressApplication): void {
  const env = app.get(Environment);
  if (!env.METRICS_ENABLED) return;
  const metrics = app.get(ServiceMetrics);
  app.use(requestMetrics(metrics));
  if (env.API_METRICS_PORT === undefined)
    (app.getHttpAdapter().getInstance() as Express).get('/metrics', (_req, res) =>
      answerScrape(() => metrics.exposition(), res),
    );
}

/** The OpenAPI document: served at /docs-json, and the console's typed client is generated from it. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Applications and webhooks API')
      .setDescription(
        'Applications, their keys, and signed, durably retried webhooks. Errors are ' +
          '`{ statusCode, code, message, details?, requestId }`; branch on `code`.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'operator')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'workspace API token (wst_…)' },
        'workspace',
      )
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'Private App Key (pak_…)' },
        'application',
      )
      .build(),
  );
}
