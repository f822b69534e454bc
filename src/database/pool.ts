import { Logger } from '@nestjs/common';
import { Pool } from 'pg';

const logger = new Logger('DatabasePool');

/**
 * A pool whose idle connections may be cut (database restart, shutdown) without taking the process down: pg emits
 * those as 'error' events on the pool, fatal when nobody listens. The next query simply opens a new connection.
 */
export function resilientPool(url: string, size: number): Pool {
  const pool = new Pool({ connectionString: url, max: size });
  pool.on('error', (error: Error & { code?: string }) => logger.warn(`idle connection closed by the server (${error.code ?? 'unknown'})`));
  return pool;
}
