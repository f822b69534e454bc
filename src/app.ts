import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module';
import { trustProxy } from './config/configuration';
import { bodyParsers } from './http/body-parsers';
import { noStoreByDefault } from './http/cache-control';
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
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('journey-ledger')
      .setDescription('Event-sourced record of survivors\u2019 journeys: every command appends immutable events.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
