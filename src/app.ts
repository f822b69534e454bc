import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module';
import { trustProxy } from './config/configuration';
import { bodyParsers } from './http/body-parsers';
import { noStoreByDefault } from './http/cache-control';
import { openApiDocument } from './http/openapi';
import { strictValidationPipe } from './http/validation';
import { httpMetrics } from './metrics/http-metrics';
import { LedgerMetrics } from './metrics/metrics';

/** The HTTP application, configured the same for `npm start` and for the end-to-end tests. */
export async function createApp(options: AppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.use(httpMetrics(app.get(LedgerMetrics)));
  app.use(helmet());
  app.use(noStoreByDefault);
  app.use(...bodyParsers(options.config.JOURNEY_BODY_LIMIT));
  app.useGlobalPipes(strictValidationPipe());
  app.set('trust proxy', trustProxy(options.config));
  app.set('x-powered-by', false);
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
