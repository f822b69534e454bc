import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { NewEvent } from '../../src/event-store/event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';

function serviceDelivered(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'ServiceDelivered',
    schemaVersion: 1,
    occurredAt: '2025-03-14',
    data: { domain: 'accommodation', serviceType: 'shelter' },
    metadata: { actor: 'bench', organisationId: 'org-bench', correlationId: randomUUID(), causationId: null },
  };
}

/**
 * Single-event appends through the store, as the write path (JourneyCommands) makes them: each writer owns its streams and
 * knows the revision it expects. Sequential, then 8 concurrent writers.
 */
export async function benchAppends(url: string, scale: number) {
  const pool = new Pool({ connectionString: url, max: 10 });
  const store = new PostgresEventStore(pool);
  const appends = Math.max(200, Math.round(3000 * scale));

  const writer = async (name: string, count: number) => {
    const streams = Array.from({ length: 20 }, (_, i) => ({ id: `journey-${name}-${i}-${randomUUID()}`, revision: -1 }));
    for (let i = 0; i < count; i += 1) {
      const stream = streams[i % streams.length];
      const result = await store.append(stream.id, [serviceDelivered()], stream.revision === -1 ? 'no_stream' : stream.revision);
      stream.revision = result.nextExpectedRevision;
    }
  };

  let started = performance.now();
  await writer('sequential', appends);
  const appendsPerSecSequential = appends / ((performance.now() - started) / 1000);

  started = performance.now();
  await Promise.all(Array.from({ length: 8 }, (_, w) => writer(`writer${w}`, Math.round(appends / 8))));
  const appendsPerSec8Writers = (Math.round(appends / 8) * 8) / ((performance.now() - started) / 1000);

  await store.close();
  await pool.end();
  return { appendsPerSecSequential, appendsPerSec8Writers };
}
