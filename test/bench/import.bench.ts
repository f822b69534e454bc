import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { importJourneys } from '../../src/imports/import-journeys';
import { linesOfFile } from '../../src/imports/ndjson';
import { PersonalDataSeal } from '../../src/personal-data/personal-data-seal';
import { LocalKeyEncryptionKey } from '../../src/personal-data/key-encryption-key';
import { PersonKeys } from '../../src/personal-data/person-keys';
import { generateJourneyLines } from '../support/generate';

/** The bulk import of a generated file (10,000 persons × 20 events at scale 1), from file to committed events. */
export async function benchImport(url: string, scale: number) {
  const persons = Math.max(100, Math.round(10000 * scale));
  const folder = await mkdtemp(join(tmpdir(), 'journey-ledger-import-'));
  const file = join(folder, 'journeys.ndjson');
  await pipeline(
    Readable.from(
      (function* () {
        for (const line of generateJourneyLines({ persons, eventsPerPerson: 20, seed: 7 })) yield `${line}\n`;
      })(),
    ),
    createWriteStream(file),
  );
  const pool = new Pool({ connectionString: url, max: 4 });
  const store = new PostgresEventStore(pool);
  const sealer = new PersonalDataSeal(new PersonKeys(pool, await LocalKeyEncryptionKey.load({ JOURNEY_DATA_DIR: folder })));
  const started = performance.now();
  const summary = await importJourneys(linesOfFile(file), store, { dryRun: false, actor: 'bench', sealer });
  const importEventsPerSec = summary.written / ((performance.now() - started) / 1000);
  await store.close();
  await pool.end();
  await rm(folder, { recursive: true, force: true });
  return { importEventsPerSec };
}
