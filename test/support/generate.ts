import { nameBasedUuid } from '../../src/journey/event-id';

/**
 * Synthetic journeys for tests and benchmarks: plausible, rule-abiding, and the same for the same seed. No real
 * person is in them; ids are derived from the seed.
 */
export interface GeneratedJourneys {
  persons: number;
  eventsPerPerson: number;
  seed?: number;
  organisations?: readonly string[];
}

interface Line {
  personId: string;
  type: string;
  occurredAt: string;
  organisationId: string;
  data: Record<string, unknown>;
}

const DOMAINS = [
  'accommodation',
  'legal_status',
  'employment_economic',
  'education_training',
  'safety_security',
  'social_wellbeing',
  'family_relationships',
  'physical_health',
  'mental_health',
  'access_to_justice',
];
const SERVICES = [
  'shelter',
  'medical_care',
  'counselling',
  'legal_aid',
  'vocational_training',
  'job_placement',
  'business_grant',
  'school_enrolment',
  'family_mediation',
  'interpretation',
];
const STATUSES = ['private_business', 'state_owned_business', 'self_employed', 'student', 'unemployed', 'in_training', 'still_receiving_assistance', 'other'];
const COUNTRIES = ['MD', 'UA', 'RO', 'BG', 'AL', 'NG', 'VN', 'SE', 'NL', 'IT'];
const GENDERS = ['female', 'male', 'other', 'unknown'];

/** A small, fast, seedable PRNG (mulberry32): reproducible data without a dependency. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isoDate(day: number): string {
  return new Date(Date.UTC(2019, 0, 1) + day * 86400000).toISOString().slice(0, 10);
}

/** One person's journey of exactly `count` facts (at least 4). */
export function journeyOf(personIndex: number, count: number, seed = 1, organisations: readonly string[] = ['org-a', 'org-b']): Line[] {
  const next = random(seed * 1_000_003 + personIndex);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)];
  const personId = nameBasedUuid('generated-person', String(seed), String(personIndex));
  const organisationId = organisations[personIndex % organisations.length];
  let day = Math.floor(next() * 1800);
  const at = () => isoDate((day += 1 + Math.floor(next() * 20)));
  const line = (type: string, data: Record<string, unknown> = {}): Line => ({ personId, type, occurredAt: at(), organisationId, data });

  const lines: Line[] = [
    line('PersonRegistered', { gender: pick(GENDERS), birthYear: 1970 + Math.floor(next() * 35), citizenship: pick(COUNTRIES) }),
    line('ConsentGranted', { scope: 'assistance' }),
    line('CaseOpened', { programme: pick(['recovery', 'return', 'reintegration']) }),
  ];
  while (lines.length < count - 1) {
    const roll = next();
    if (roll < 0.45) lines.push(line('ServiceDelivered', { domain: pick(DOMAINS), serviceType: pick(SERVICES) }));
    else if (roll < 0.65) lines.push(line('EmploymentStatusRecorded', { status: pick(STATUSES) }));
    else if (roll < 0.85) lines.push(line('OutcomeAssessed', { domain: pick(DOMAINS), indicator: 'achieved', value: next() < 0.6 }));
    else if (roll < 0.9) lines.push(line('ContactLost'), ...(lines.length < count - 2 ? [line('ContactReestablished')] : []));
    else lines.push(line('ConsentGranted', { scope: pick(['data_processing', 'follow_up', 'research']) }));
  }
  lines.length = count - 1;
  lines.push(line('CaseClosed', { reason: pick(['goals_met', 'person_chose_to_stop', 'moved_away', 'lost_contact', 'funding_ended']) }));
  return lines;
}

/** The NDJSON lines of many journeys, person after person. */
export function* generateJourneyLines(options: GeneratedJourneys): Generator<string> {
  for (let person = 0; person < options.persons; person += 1) {
    for (const line of journeyOf(person, options.eventsPerPerson, options.seed, options.organisations)) yield JSON.stringify(line);
  }
}
