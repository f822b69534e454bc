import { Inject, Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { badRequest, ProblemError } from '../http/problem';
import { readCheckpoints } from '../projections/checkpoints';

/** Query parameter of every read: answer only once the read model reflects this global position. */
export class ReadYourWritesQuery {
  @ApiPropertyOptional({
    description: 'Wait (up to 5 s) until the read model reflects this global position, as returned by a write; beyond the log\u2019s last position: 400',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPosition?: number;
}

/** How long a read waits for its read model to reach `minPosition` before answering 503. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;
const POLL_MS = 25;

/**
 * Read-your-writes: a client that just wrote knows the position of its write, and its read waits until the
 * read model has caught up with it. The checkpoint row is one indexed row, so a short poll is cheap and needs no
 * listening connection per waiting request.
 */
@Injectable()
export class ReadModelPosition {
  timeoutMs = READ_YOUR_WRITES_TIMEOUT_MS;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Returns once `readModel` reached `minPosition`; else, after the timeout, throws a 503 with Retry-After. A
   * position beyond the log's last one would be waited for in vain: no write answered it, so it is a 400 at once.
   */
  async reached(readModel: string, minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined || (await this.position(readModel)) >= minPosition) return;
    if (minPosition > (await this.store.headPosition())) {
      throw badRequest([{ field: 'minPosition', reason: 'is beyond the last position of the log: use a position a write answered' }]);
    }
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if ((await this.position(readModel)) >= minPosition) return;
    }
    throw new ProblemError(
      {
        type: 'about:blank#read-model-behind',
        title: 'Read model not up to date yet',
        status: 503,
        detail: `The ${readModel} read model has not reached position ${minPosition} yet; retry shortly`,
      },
      { 'Retry-After': '1' },
    );
  }

  private async position(readModel: string): Promise<number> {
    const [checkpoint] = await readCheckpoints(this.dataSource.manager, [readModel]);
    return checkpoint?.position ?? 0;
  }
}
