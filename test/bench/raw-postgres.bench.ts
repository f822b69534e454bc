import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/** The physical limits of this PostgreSQL: what any event store on it can at best approach. */
export async function benchRawPostgres(url: string, scale: number) {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE raw_rows (id bigserial primary key, stream text, payload jsonb)');
  const payload = JSON.stringify({ type: 'ServiceDelivered', data: { domain: 'accommodation', serviceType: 'shelter' } });

  const singles = Math.max(200, Math.round(3000 * scale));
  let started = performance.now();
  for (let i = 0; i < singles; i += 1) await client.query('INSERT INTO raw_rows (stream, payload) VALUES ($1, $2)', [`s-${i}`, payload]);
  const rawSingleRowTxPerSec = singles / ((performance.now() - started) / 1000);

  const bulk = Math.max(10000, Math.round(200000 * scale));
  started = performance.now();
  await client.query('BEGIN');
  for (let offset = 0; offset < bulk; offset += 1000) {
    const values: string[] = [];
    const params: string[] = [];
    for (let i = 0; i < 1000; i += 1) {
      values.push(`($${i * 2 + 1}, $${i * 2 + 2})`);
      params.push(`b-${offset + i}`, payload);
    }
    await client.query(`INSERT INTO raw_rows (stream, payload) VALUES ${values.join(',')}`, params);
  }
  await client.query('COMMIT');
  const rawMultiRowInsertRowsPerSec = bulk / ((performance.now() - started) / 1000);

  started = performance.now();
  const escaped = payload.replace(/\\/g, '\\\\');
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < bulk; i += 1) yield `c-${i}\t${escaped}\n`;
      })(),
    ),
    client.query(copyFrom('COPY raw_rows (stream, payload) FROM STDIN')),
  );
  const rawBulkRowsPerSec = bulk / ((performance.now() - started) / 1000);
  await client.end();
  return { rawSingleRowTxPerSec, rawMultiRowInsertRowsPerSec, rawBulkRowsPerSec };
}
