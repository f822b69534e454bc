import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { Options } from 'pino-http';

/**
 * Structured logs that never carry personal data: no bodies are logged, tokens and cookies are redacted, and the
 * URL logged is the route's path (person ids are pseudonymous UUIDs; query strings are dropped). To a file when
 * one is given, else to standard output.
 */
export function loggerOptions(level: string, file?: string): Params {
  const options: Options = {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // 503 is a state the app answers on purpose (not ready yet, try again), not a failure of the request.
    customLogLevel: (_req, res, error) =>
      res.statusCode === 503 ? 'warn' : error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  };
  // Synchronous writes to the file: nothing is lost when the process stops, and a test can read it right after.
  return { pinoHttp: file ? [options, pino.destination({ dest: file, sync: true, mkdir: true })] : options };
}
