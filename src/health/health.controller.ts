import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { MerkleLogBuilder } from '../audit/merkle-log';
import { merkleLogLag } from '../audit/merkle-log-following';
import { Public } from '../auth/auth.guard';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { ProblemError } from '../http/problem';
import { projectionStatus } from '../projections/projection-status';

/** How far behind the log the followers may be while the app still says it is ready (from configuration). */
export interface ReadinessThresholds {
  maxProjectionLag: number;
  maxMerkleLag: number;
}

export const READINESS_THRESHOLDS = Symbol('ReadinessThresholds');

const DATABASE_TIMEOUT_MS = 2000;

/**
 * Liveness and readiness for an orchestrator. Live: the process answers (restart it if not). Ready: it can serve
 * what it promises: the database and the event store answer, and the read models and the Merkle log follow the log
 * closely enough that reads and audits are current (take it out of rotation if not, do not restart it).
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly merkleLog: MerkleLogBuilder,
    @Inject(READINESS_THRESHOLDS) private readonly thresholds: ReadinessThresholds,
  ) {}

  @Get('live')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: 200 while the process answers' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: 200 when the database and event store answer and the read models and Merkle log keep up; 503 otherwise' })
  ready() {
    return this.readiness();
  }

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness, as /health/ready' })
  check() {
    return this.readiness();
  }

  /** A 503 is problem+json like every other error, naming each check that failed and what it measured. */
  private async readiness() {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: DATABASE_TIMEOUT_MS }),
        () => this.eventStore(),
        () => this.projections(),
        () => this.merkle(),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const failedChecks = (error.getResponse() as { error?: Record<string, unknown> }).error ?? {};
      throw new ProblemError(
        { type: 'about:blank#not-ready', title: 'Not ready', status: 503, detail: `Failing: ${Object.keys(failedChecks).join(', ')}`, failedChecks },
        { 'retry-after': '5' },
      );
    }
  }

  private async eventStore() {
    const indicator = this.indicators.check('eventStore');
    try {
      return indicator.up({ head: await this.store.headPosition() });
    } catch {
      return indicator.down({ message: 'the event store does not answer' });
    }
  }

  private async projections() {
    const indicator = this.indicators.check('projections');
    const lag = Math.max(...(await projectionStatus(this.store, this.dataSource)).map((status) => status.lag));
    return lag <= this.thresholds.maxProjectionLag ? indicator.up({ lag }) : indicator.down({ lag, maxLag: this.thresholds.maxProjectionLag });
  }

  private async merkle() {
    const indicator = this.indicators.check('merkleLog');
    const lag = await merkleLogLag(this.merkleLog, this.store);
    return lag <= this.thresholds.maxMerkleLag ? indicator.up({ lag }) : indicator.down({ lag, maxLag: this.thresholds.maxMerkleLag });
  }
}
