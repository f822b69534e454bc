import { Controller, Get, Header, HttpCode, Inject, Logger, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { once } from 'node:events';
import { AccessLog } from '../access-log/access-log';
import type { Actor } from '../auth/actor';
import { Public, Roles } from '../auth/auth.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { badRequest, conflict, notFound } from '../http/problem';
import { CheckpointSchedule } from './checkpoint-schedule';
import { CheckpointSigner, InconsistentCheckpointError } from './checkpoint-signer';
import { exportLines } from './export-lines';
import { MerkleLog, MerkleLogBuilder } from './merkle-log';
import { merkleLogReached } from './merkle-log-following';

class InclusionProofResponse {
  @ApiProperty({ description: '0-based index of the leaf (event) in the global log' }) leafIndex!: number;
  @ApiProperty({ description: 'Size of the tree the proof is for' }) treeSize!: number;
  @ApiProperty({ type: [String], description: 'RFC 9162 inclusion proof, base64 SHA-256 hashes, leaf side first' }) hashes!: string[];
}

class ConsistencyProofResponse {
  @ApiProperty({ type: [String], description: 'RFC 9162 consistency proof, base64 SHA-256 hashes' }) hashes!: string[];
}

const TEXT = 'text/plain; charset=utf-8';
// Public and about no one: the key changes only when operators rotate it; the latest checkpoint may be kept but is
// checked again (ETag) before each use, since a new one is signed every few seconds or events.
const PUBLIC_KEY_CACHING = 'public, max-age=3600';
const LATEST_CHECKPOINT_CACHING = 'public, no-cache';
const SIGNED_NOTE = {
  description: 'A C2SP signed note holding a C2SP tlog-checkpoint (origin, tree size, base64 root hash), signed with Ed25519',
  schema: { type: 'string' },
};
// Export lines are sent in chunks of about this many characters, each once the client has taken the previous one.
const EXPORT_CHUNK = 64 * 1024;

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  private readonly logger = new Logger('AuditController');

  constructor(
    private readonly log: MerkleLog,
    private readonly builder: MerkleLogBuilder,
    private readonly signer: CheckpointSigner,
    private readonly schedule: CheckpointSchedule,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('checkpoint')
  @Public()
  @Header('content-type', TEXT)
  @Header('cache-control', LATEST_CHECKPOINT_CACHING)
  @ApiOperation({ summary: 'The latest signed checkpoint' })
  @ApiProduces('text/plain')
  @ApiOkResponse(SIGNED_NOTE)
  @ApiResponse({ status: 404, description: 'No checkpoint has been signed yet' })
  async latest(): Promise<string> {
    const checkpoint = await this.signer.latest();
    if (!checkpoint) throw notFound('No checkpoint has been signed yet');
    return checkpoint.note;
  }

  @Post('checkpoints')
  @HttpCode(200)
  @Roles('auditor', 'admin')
  @ApiBearerAuth()
  @Header('content-type', TEXT)
  @ApiOperation({
    summary: 'Sign a checkpoint now over every event appended so far',
    description:
      'Waits for the Merkle log to include every event committed before the request. If nothing was appended since the last checkpoint, answers that one again.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse(SIGNED_NOTE)
  @ApiResponse({ status: 409, description: 'The log is not consistent with the last signed checkpoint: nothing is signed (an alarm for operators)' })
  @ApiResponse({ status: 503, description: 'The Merkle log builder is not keeping up or has stopped' })
  async signNow(): Promise<string> {
    await merkleLogReached(this.builder, await this.store.headPosition());
    try {
      return (await this.schedule.signNow()).note;
    } catch (error) {
      if (error instanceof InconsistentCheckpointError) throw conflict(error.message);
      throw error;
    }
  }

  @Get('checkpoints')
  @Roles('auditor', 'ledger_auditor')
  @ApiBearerAuth()
  @Header('content-type', TEXT)
  @ApiOperation({ summary: 'The checkpoint signed at exactly this tree size' })
  @ApiQuery({ name: 'size', type: Number, required: true })
  @ApiProduces('text/plain')
  @ApiOkResponse(SIGNED_NOTE)
  @ApiResponse({ status: 400, description: 'size is not a non-negative integer' })
  @ApiResponse({ status: 404, description: 'No checkpoint was signed at that size' })
  async atSize(@Query('size') size?: string): Promise<string> {
    const treeSize = requiredCount('size', size);
    const checkpoint = await this.signer.atSize(treeSize);
    if (!checkpoint) throw notFound(`No checkpoint was signed at size ${treeSize}`);
    return checkpoint.note;
  }

  @Get('public-key')
  @Public()
  @Header('content-type', TEXT)
  @Header('cache-control', PUBLIC_KEY_CACHING)
  @ApiOperation({ summary: 'The C2SP verifier key (name+keyhash+base64) that checks the checkpoint signatures' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', example: 'journey-ledger.local/log+1a2b3c4d+AR...' } })
  publicKey(): string {
    return `${this.signer.verifierKey}\n`;
  }

  @Get('proofs/inclusion')
  @Roles('auditor', 'ledger_auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of the leaf at `index` in the tree of size `treeSize`' })
  @ApiQuery({ name: 'index', type: Number, required: true })
  @ApiQuery({ name: 'treeSize', type: Number, required: true })
  @ApiOkResponse({ type: InclusionProofResponse })
  @ApiResponse({ status: 400, description: 'A query value is not a non-negative integer, or index >= treeSize' })
  @ApiResponse({ status: 404, description: 'treeSize is larger than the log' })
  async inclusion(@Query('index') index?: string, @Query('treeSize') treeSize?: string): Promise<InclusionProofResponse> {
    const leafIndex = requiredCount('index', index);
    const size = requiredCount('treeSize', treeSize);
    if (leafIndex >= size) throw badRequest([{ field: 'index', reason: `must be below treeSize (${size})` }]);
    await this.assertLogged('treeSize', size);
    return { leafIndex, treeSize: size, hashes: base64(await this.log.inclusionProof(leafIndex, size)) };
  }

  @Get('proofs/consistency')
  @Roles('auditor', 'ledger_auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'RFC 9162 consistency proof that the tree of size `to` extends the tree of size `from`' })
  @ApiQuery({ name: 'from', type: Number, required: true })
  @ApiQuery({ name: 'to', type: Number, required: true })
  @ApiOkResponse({ type: ConsistencyProofResponse })
  @ApiResponse({ status: 400, description: 'A query value is not a non-negative integer, or from > to' })
  @ApiResponse({ status: 404, description: '`to` is larger than the log' })
  async consistency(@Query('from') from?: string, @Query('to') to?: string): Promise<ConsistencyProofResponse> {
    const older = requiredCount('from', from);
    const newer = requiredCount('to', to);
    if (older > newer) throw badRequest([{ field: 'from', reason: `must not exceed to (${newer})` }]);
    await this.assertLogged('to', newer);
    return { hashes: base64(await this.log.consistencyProof(older, newer)) };
  }

  @Get('export')
  @Roles('ledger_auditor')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'The global log\u2019s leaves [from, to) as NDJSON, streamed',
    description:
      'One line per event: {"index": leaf index, "canonical": base64 of its RFC 8785 canonical bytes, "eventHash": hex SHA-256}. ' +
      'Every organisation\u2019s events, so for the `ledger_auditor` role only; each export is written to the access log ' +
      '(who, which range, when) before it starts. Personal data inside is ciphertext only. ' +
      'A leaf whose event row is gone has no line, which the verifier names as missing. ' +
      '`from` defaults to 0, `to` to the log\u2019s size. With `include=leafHash` each line also has "leafHash": the hex leaf ' +
      'hash the Merkle log holds for the index, with which the offline verifier places a change that keeps every line ' +
      'self-consistent (an inserted row), checked against the signed root, never taken on trust.',
  })
  @ApiQuery({ name: 'from', type: Number, required: false, description: 'first leaf index, inclusive' })
  @ApiQuery({ name: 'to', type: Number, required: false, description: 'last leaf index, exclusive' })
  @ApiQuery({ name: 'include', enum: ['leafHash'], required: false, description: 'add the log\u2019s leaf hash to each line' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'NDJSON lines' })
  @ApiResponse({ status: 400, description: 'A query value is not a non-negative integer, or from > to' })
  @ApiResponse({ status: 404, description: '`to` is larger than the log' })
  async export(
    @CurrentActor() actor: Actor,
    @Res() response: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('include') include?: string,
  ): Promise<void> {
    if (include !== undefined && include !== 'leafHash') throw badRequest([{ field: 'include', reason: 'must be leafHash' }]);
    const first = optionalCount('from', from) ?? 0;
    const end = optionalCount('to', to) ?? (await this.log.head()).size;
    if (first > end) throw badRequest([{ field: 'from', reason: `must not exceed to (${end})` }]);
    await this.assertLogged('to', end);
    await this.accessLog.recordExport({ actor: actor.sub, organisationId: actor.org, resource: '/audit/export', range: { from: first, to: end } });
    response.status(200).type('application/x-ndjson');
    try {
      let chunk = '';
      for await (const line of exportLines(this.log, this.store, first, end, { leafHashes: include === 'leafHash' })) {
        chunk += line;
        if (chunk.length < EXPORT_CHUNK) continue;
        if (!(await sent(response, chunk))) return;
        chunk = '';
      }
      response.end(chunk);
    } catch (error) {
      // Too late for a problem response: cut the stream so the client sees it incomplete, not ended.
      this.logger.error(`Export [${first}, ${end}) failed: ${(error as Error).message}`);
      response.destroy();
    }
  }

  private async assertLogged(field: string, size: number): Promise<void> {
    const logged = (await this.log.head()).size;
    if (size > logged) throw notFound(`The log holds ${logged} events; ${field}=${size} is beyond it`);
  }
}

/** Writes a chunk, waiting while the client is slower than the database; false once the client is gone. */
async function sent(response: Response, chunk: string): Promise<boolean> {
  if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
  return !response.destroyed && response.writable;
}

function optionalCount(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = /^(0|[1-9][0-9]*)$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count)) throw badRequest([{ field, reason: 'must be a non-negative integer' }]);
  return count;
}

function requiredCount(field: string, value: string | undefined): number {
  const count = optionalCount(field, value);
  if (count === undefined) throw badRequest([{ field, reason: 'is required' }]);
  return count;
}

const base64 = (hashes: readonly Buffer[]): string[] => hashes.map((hash) => hash.toString('base64'));
