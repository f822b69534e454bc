import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import { VALID } from '../../../test/support/valid-fact-data';
import { JOURNEY_EVENT_TYPES, type JourneyEventType } from '../domain/events';
import { EVENT_DATA } from './registry';
import { parseEventData, validateCorrectedData, validateEventData } from './validate';

const documented = (type: JourneyEventType, property: string) =>
  Reflect.getMetadata('swagger/apiModelProperties', EVENT_DATA[type].prototype, property) as { required?: boolean } | undefined;

describe('EVENT_DATA', () => {
  it('covers the whole catalogue', () => {
    expect(Object.keys(EVENT_DATA).sort()).toEqual([...JOURNEY_EVENT_TYPES].sort());
  });

  it('validates and documents the same fields, agreeing on which are required', () => {
    for (const type of JOURNEY_EVENT_TYPES) {
      const validated = new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(EVENT_DATA[type], '', true, false)
          .map((rule) => rule.propertyName),
      );
      const docs = (Reflect.getMetadata('swagger/apiModelPropertiesArray', EVENT_DATA[type].prototype) ?? []) as string[];
      expect([...validated].sort()).toEqual(docs.map((name) => name.replace(/^:/, '')).sort());
      for (const property of validated) {
        const { ok } = parseEventData(type, Object.fromEntries(Object.entries(VALID[type]).filter(([key]) => key !== property)));
        const requiredInDocs = documented(type, property)?.required !== false;
        // A field required only with another (currency with cost) may be dropped alone from the sample.
        if (requiredInDocs) expect({ type, property, ok }).toEqual({ type, property, ok: false });
      }
    }
  });
});

describe('parseEventData', () => {
  it('accepts valid data of every type, returning it as given', () => {
    for (const type of JOURNEY_EVENT_TYPES) {
      expect(parseEventData(type, VALID[type])).toEqual({ ok: true, type, data: VALID[type] });
    }
  });

  it('accepts the issue’s import fields exactly as written', () => {
    const lines: [string, object][] = [
      ['PersonRegistered', { gender: 'unknown', citizenship: 'MD' }],
      ['PersonRegistered', { gender: 'male', birthYear: 2001, citizenship: 'VN' }],
      ['ConsentGranted', { scope: 'data_processing' }],
      ['ConsentWithdrawn', { scope: 'follow_up' }],
      ['CaseOpened', { programme: 'reintegration' }],
      ['CaseClosed', { reason: 'person_chose_to_stop' }],
      ['CaseReopened', { reason: 'came back' }],
      ['ServiceDelivered', { domain: 'mental_health', serviceType: 'counselling' }],
      ['AssistanceDeclined', { scope: 'assistance' }],
      ['EmploymentStatusRecorded', { status: 'still_receiving_assistance' }],
      ['OutcomeAssessed', { domain: 'employment_economic', indicator: 'monthly_income', value: 320 }],
      ['OutcomeAssessed', { domain: 'accommodation', indicator: 'housing', value: 'stable' }],
      ['ContactLost', {}],
      ['ContactReestablished', {}],
      ['ReTraffickingReported', {}],
      ['ReturnCompleted', { destinationCountry: 'UA' }],
      ['EnteredInError', { targetEventId: 'b7e5a1f2-0c4d-4e8a-9f3b-2d6c8e1a4b5c', reason: 'wrong person' }],
    ];
    for (const [type, data] of lines) expect(validateEventData(type, data)).toEqual([]);
  });

  it('rejects an unknown event type on the field `type`', () => {
    expect(parseEventData('PersonDeleted', {})).toEqual({ ok: false, errors: [{ field: 'type', reason: expect.any(String) }] });
    expect(validateEventData(42, {})).toEqual([{ field: 'type', reason: expect.any(String) }]);
    expect(validateEventData('toString', {})).toEqual([{ field: 'type', reason: expect.any(String) }]);
  });

  it('rejects data that is not an object', () => {
    for (const data of [null, [], 'x', 3, undefined]) {
      expect(validateEventData('ContactLost', data)).toEqual([{ field: 'data', reason: 'must be an object' }]);
    }
  });

  it('names each bad field: wrong types, missing required fields, values outside the lists', () => {
    const fields = (type: string, data: object) =>
      validateEventData(type, data)
        .map((error) => error.field)
        .sort();
    expect(fields('PersonRegistered', { gender: 'woman', birthYear: '1990' })).toEqual(['data.birthYear', 'data.citizenship', 'data.gender']);
    expect(validateEventData('PersonRegistered', { gender: 'female' })).toEqual([{ field: 'data.citizenship', reason: 'citizenship is required' }]);
    expect(fields('ReturnDecided', { voluntary: 'yes', destinationCountry: 'AL' })).toEqual(['data.voluntary']);
    expect(fields('ServiceDelivered', { domain: 'housing', serviceType: 'shelter' })).toEqual(['data.domain']);
    expect(fields('OutcomeAssessed', { domain: 'accommodation', indicator: 'x', value: { a: 1 } })).toEqual(['data.value']);
    expect(fields('RSSAdministered', { ...VALID.RSSAdministered, scores: { ...VALID.RSSAdministered.scores, social: 1.2 } })).toEqual(['data.scores.social']);
  });

  it('paths into arrays of objects', () => {
    const plan = {
      goals: [
        { domain: 'mental_health', goal: 'Sleep well' },
        { domain: 'wellbeing', goal: 'Friends' },
      ],
    };
    expect(validateEventData('ReintegrationPlanAgreed', plan).map((error) => error.field)).toEqual(['data.goals[1].domain']);
    expect(validateEventData('ReintegrationPlanAgreed', { goals: [] }).map((error) => error.field)).toEqual(['data.goals']);
  });

  it('rejects unknown fields by name, at the top and nested, never dropping them silently', () => {
    expect(validateEventData('CaseOpened', { programme: 'recovery', owner: 'x' })).toEqual([
      { field: 'data.owner', reason: 'property owner should not exist' },
    ]);
    expect(validateEventData('ContactLost', { note: 'x' })).toEqual([{ field: 'data.note', reason: 'property note should not exist' }]);
    const plan = { goals: [{ domain: 'mental_health', goal: 'x', due: '2025-01' }] };
    expect(validateEventData('ReintegrationPlanAgreed', plan).map((error) => error.field)).toEqual(['data.goals[0].due']);
    expect(validateEventData('CaseOpened', JSON.parse('{"programme":"recovery","__proto__":{"x":1}}'))).toEqual([
      { field: 'data.__proto__', reason: 'property __proto__ should not exist' },
    ]);
    const nested = JSON.parse('{"goals":[{"domain":"mental_health","goal":"x","__proto__":{"y":1}}]}');
    expect(validateEventData('ReintegrationPlanAgreed', nested).map((error) => error.field)).toEqual(['data.goals[0].__proto__']);
    expect(validateEventData('CaseOpened', { programme: 'recovery', constructor: 'x' }).map((error) => error.field)).toEqual(['data.constructor']);
  });

  it('rejects, for every type, any field it does not know', () => {
    const type = fc.constantFrom(...JOURNEY_EVENT_TYPES);
    const name = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString'));
    fc.assert(
      fc.property(type, name, fc.jsonValue(), (type, key, value) => {
        fc.pre(documented(type, key) === undefined && !Object.hasOwn(VALID[type], key));
        // An own property even for `__proto__`, as JSON.parse makes it from a request body.
        const data = Object.defineProperty({ ...VALID[type] }, key, { value, enumerable: true });
        const errors = validateEventData(type, data);
        expect(errors).toContainEqual({ field: `data.${key}`, reason: `property ${key} should not exist` });
      }),
    );
  });

  it('takes citizenship and countries as real ISO 3166-1 alpha-2 codes in capitals', () => {
    for (const citizenship of ['XX', 'ng', 'NGA', 'N1', '']) {
      expect(validateEventData('PersonRegistered', { gender: 'female', citizenship }).map((error) => error.field)).toEqual(['data.citizenship']);
    }
    expect(validateEventData('ReturnCompleted', { destinationCountry: 'ZZ' }).map((error) => error.field)).toEqual(['data.destinationCountry']);
  });

  it('takes a birth year from 1900 to this year, as an integer', () => {
    const thisYear = new Date().getUTCFullYear();
    const errorsFor = (birthYear: unknown) => validateEventData('PersonRegistered', { gender: 'male', citizenship: 'RO', birthYear });
    expect(errorsFor(thisYear)).toEqual([]);
    expect(errorsFor(1900)).toEqual([]);
    for (const bad of [thisYear + 1, 1899, 1990.5, null]) expect(errorsFor(bad).map((error) => error.field)).toEqual(['data.birthYear']);
  });

  it('names the organisation for a sharing consent, and only then', () => {
    expect(validateEventData('ConsentGranted', { scope: 'sharing' })).toEqual([
      { field: 'data.organisationId', reason: 'organisationId is required for scope sharing' },
    ]);
    expect(validateEventData('ConsentWithdrawn', { scope: 'research', organisationId: 'org-b' })).toEqual([
      { field: 'data.organisationId', reason: 'organisationId is allowed only for scope sharing' },
    ]);
  });

  it('takes service types and other open codes in snake_case', () => {
    for (const serviceType of ['Shelter', 'legal aid', 'legal-aid', '_x', 'x__y', '']) {
      expect(validateEventData('ServiceDelivered', { domain: 'legal_status', serviceType }).map((error) => error.field)).toEqual(['data.serviceType']);
    }
    expect(validateEventData('ServiceDelivered', { domain: 'legal_status', serviceType: 'vocational_training2' })).toEqual([]);
  });

  it('needs a currency with a cost or an amount', () => {
    expect(validateEventData('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter', cost: 10 })).toEqual([
      { field: 'data.currency', reason: expect.any(String) },
    ]);
    expect(validateEventData('CompensationDecided', { outcome: 'awarded', amount: 10, currency: 'EURO' }).map((e) => e.field)).toEqual(['data.currency']);
    expect(validateEventData('CompensationDecided', { outcome: 'refused' })).toEqual([]);
  });

  it('takes dates in data only when they exist', () => {
    expect(validateEventData('ReflectionPeriodGranted', { from: '2025-02-30', to: '2025-04-30' }).map((e) => e.field)).toEqual(['data.from']);
    expect(validateEventData('ResidencePermitDecided', { ...VALID.ResidencePermitDecided, validUntil: '2026-01' }).map((e) => e.field)).toEqual([
      'data.validUntil',
    ]);
  });

  it('takes encrypted personal data only as opaque {ciphertext, iv, tag} by field name', () => {
    const bad = { fields: { givenName: { ciphertext: 'q83v', iv: 'AAEC' } } };
    expect(validateEventData('PersonalDataRecorded', bad).map((e) => e.field)).toEqual(['data.fields']);
    expect(validateEventData('PersonalDataRecorded', { fields: { givenName: 'Maria' } }).map((e) => e.field)).toEqual(['data.fields']);
  });
});

describe('validateCorrectedData', () => {
  it("checks the corrected data against the target's type, under data.correctedData", () => {
    expect(validateCorrectedData('CaseOpened', { programme: 'return' })).toEqual([]);
    expect(
      validateCorrectedData('CaseOpened', { programme: 'rescue', extra: 1 })
        .map((e) => e.field)
        .sort(),
    ).toEqual(['data.correctedData.extra', 'data.correctedData.programme']);
    expect(validateCorrectedData('ServiceDelivered', { domain: 'accommodation' })).toEqual([
      { field: 'data.correctedData.serviceType', reason: 'serviceType is required' },
    ]);
  });

  it('refuses a target of unknown type', () => {
    expect(validateCorrectedData('Mystery', {})).toEqual([{ field: 'data.targetEventId', reason: expect.any(String) }]);
  });
});
