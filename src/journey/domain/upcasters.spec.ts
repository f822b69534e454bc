import { currentSchemaVersion, upcast } from './upcasters';

const recorded = (schemaVersion: number, data: Record<string, unknown>) => ({
  eventId: '0d8c6f3e-8a3b-4c61-9d2e-6c0f1d2b3a41',
  type: 'EmploymentStatusRecorded',
  schemaVersion,
  data,
});

describe('upcasting on read', () => {
  test('EmploymentStatusRecorded version 1 reads as version 2, employment stated from the status', () => {
    expect(upcast(recorded(1, { status: 'self_employed' }))).toEqual(recorded(2, { status: 'self_employed', employed: true }));
    expect(upcast(recorded(1, { status: 'student' })).data).toEqual({ status: 'student', employed: false });
    expect(upcast(recorded(1, { status: 'other' })).data).toEqual({ status: 'other', employed: false });
  });

  test('a version 2 event is read as written, even where version 1 would have guessed otherwise', () => {
    const event = recorded(2, { status: 'other', employed: true });
    expect(upcast(event)).toBe(event);
  });

  test('types without upcasters pass through untouched', () => {
    const event = { type: 'CaseClosed', schemaVersion: 1, data: { reason: 'goals_met' } };
    expect(upcast(event)).toBe(event);
    expect(currentSchemaVersion('CaseClosed')).toBe(1);
    expect(currentSchemaVersion('EmploymentStatusRecorded')).toBe(2);
  });

  test('the original event object is not changed', () => {
    const event = recorded(1, { status: 'unemployed' });
    upcast(event);
    expect(event).toEqual(recorded(1, { status: 'unemployed' }));
  });
});
