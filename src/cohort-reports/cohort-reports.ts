import { computeCohort } from '../../projections/cohort/compute-report';
import type { CohortReport } from '../../projections/cohort/report';
import type { CheckpointSigner } from '../audit/checkpoint-signer';
import type { MerkleLog } from '../audit/merkle-log';
import type { EventStore } from '../event-store/event-store';
import { normalisedDefinition, type CohortDefinitionDto } from './cohort-definition.dto';
import type { CohortFactsQuery } from './cohort-facts.query';

/**
 * The event types the measures, filters and groups read (registration, transfers for the holder at entry,
 * exploitation and return for groups, then the statuses and outcomes measured); corrections always come along.
 */
const TYPES_MEASURES_READ = [
  'PersonRegistered',
  'CaseTransferred',
  'TraffickingExperienceRecorded',
  'ReturnCompleted',
  'EmploymentStatusRecorded',
  'OutcomeAssessed',
  'AssistanceDeclined',
  'CaseClosed',
  'ContactLost',
  'ContactReestablished',
  'ReTraffickingReported',
];

/** Who asks for a report; its members are the persons this organisation held at entry. */
export interface CohortRequester {
  actor: string;
  organisationId: string;
}

/** A treeSize beyond what the log holds: the definition's error, named by field. */
export class TreeSizeBeyondLogError extends Error {
  constructor(readonly logSize: number) {
    super(`is beyond the log, which holds ${logSize} events`);
    this.name = 'TreeSizeBeyondLogError';
  }
}

/** Some events of the tree could not be projected into cohort_facts: a report without them would be wrong. */
export class CohortFactsIncompleteError extends Error {
  constructor(readonly parked: number) {
    super(`${parked} events of the tree are parked in the cohort_facts read model; run \`projections retry\` first`);
    this.name = 'CohortFactsIncompleteError';
  }
}

/** How the report's sources are brought up to date: the server waits for its followers, the CLI alone runs them. */
export interface CohortSources {
  /** Resolves once the Merkle log holds every event committed up to `position`; answers its size then. */
  merkleLogThrough(position: number): Promise<number>;
  /** Resolves once the cohort_facts read model reflects `position`. */
  cohortFactsThrough(position: number): Promise<void>;
  /** Events of cohort_facts parked at or before `position`. */
  parkedThrough(position: number): Promise<number>;
  /** Told once a report is computed: every read is logged. */
  logRead(requester: CohortRequester, treeSize: number): Promise<void>;
}

/**
 * A cohort report, the one way the API and the CLI compute it: fix the tree (the given size, else the whole log),
 * bring the read model to it, read the cohort's facts, compute the measures (pure), and attach the signed
 * checkpoint of exactly that tree, so that anyone can check which log the figures come from.
 */
export class CohortReports {
  constructor(
    private readonly store: EventStore,
    private readonly log: MerkleLog,
    private readonly signer: CheckpointSigner,
    private readonly facts: CohortFactsQuery,
    private readonly sources: CohortSources,
  ) {}

  async report(request: CohortDefinitionDto, requester: CohortRequester): Promise<CohortReport> {
    const logSize = await this.sources.merkleLogThrough(await this.store.headPosition());
    const treeSize = request.treeSize ?? logSize;
    if (treeSize > logSize) throw new TreeSizeBeyondLogError(logSize);
    const definition = normalisedDefinition(request, treeSize);
    const lastPosition = treeSize === 0 ? 0 : await this.log.positionOfLeaf(treeSize - 1);
    await this.sources.cohortFactsThrough(lastPosition);
    const parked = await this.sources.parkedThrough(lastPosition);
    if (parked > 0) throw new CohortFactsIncompleteError(parked);

    const asKnownAt = definition.asKnownAt ?? (await this.recordedAtOf(lastPosition));
    const facts = await this.facts.load({
      entryType: definition.entry.type,
      from: definition.entry.from,
      to: definition.entry.to,
      lastPosition,
      asKnownAt: definition.asKnownAt,
      types: [...new Set([...TYPES_MEASURES_READ, definition.entry.type])],
    });
    const { cohortSize, measures } = computeCohort(facts, definition, {
      lastPosition,
      organisationId: requester.organisationId,
      observationEnd: asKnownAt,
    });
    const checkpoint = await this.signer.signAt(treeSize);
    await this.sources.logRead(requester, treeSize);
    return {
      definition,
      checkpoint: { treeSize, rootHash: (await this.log.rootHash(treeSize)).toString('base64'), note: checkpoint.note },
      asKnownAt,
      organisationId: requester.organisationId,
      cohortSize,
      measures,
    };
  }

  /** When the tree's last event was recorded: the end of what a report without asKnownAt knows. */
  private async recordedAtOf(position: number): Promise<string> {
    for await (const event of this.store.readAll({ after: position - 1, maxCount: 1 })) return event.recordedAt;
    return new Date(0).toISOString();
  }
}
