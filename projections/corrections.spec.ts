import { givenStream } from '../test/support/projection-given';
import { effectiveHistory } from './corrections';

describe('effective history', () => {
  test('the latest correction of an event wins, and takes the recordedAt of that correction', () => {
    const stream = givenStream();
    const target = stream.add('CaseClosed', { reason: 'moved_away' }, '2022-01-01');
    stream.add('EventCorrected', { targetEventId: target.eventId, reason: 'a', correctedData: { reason: 'referred' } }, '2022-01-02');
    const last = stream.add('EventCorrected', { targetEventId: target.eventId, reason: 'b', correctedData: { reason: 'goals_met' } }, '2022-01-03');
    expect(effectiveHistory(stream.events)).toEqual([{ ...target, data: { reason: 'goals_met' }, recordedAt: last.recordedAt }]);
  });

  test('entering a correction in error brings back the one before it', () => {
    const stream = givenStream();
    const target = stream.add('CaseClosed', { reason: 'moved_away' }, '2022-01-01');
    const first = stream.add('EventCorrected', { targetEventId: target.eventId, reason: 'a', correctedData: { reason: 'referred' } }, '2022-01-02');
    const second = stream.add('EventCorrected', { targetEventId: target.eventId, reason: 'b', correctedData: { reason: 'died' } }, '2022-01-03');
    stream.add('EnteredInError', { targetEventId: second.eventId, reason: 'c' }, '2022-01-04');
    expect(effectiveHistory(stream.events)).toEqual([{ ...target, data: { reason: 'referred' }, recordedAt: first.recordedAt }]);
  });

  test('undoing an EnteredInError restores its target; the input is left as it was', () => {
    const stream = givenStream();
    const target = stream.add('ContactLost', {}, '2022-01-01');
    const voiding = stream.add('EnteredInError', { targetEventId: target.eventId, reason: 'a' }, '2022-01-02');
    expect(effectiveHistory(stream.events)).toEqual([]);
    stream.add('EnteredInError', { targetEventId: voiding.eventId, reason: 'b' }, '2022-01-03');
    const before = JSON.stringify(stream.events);
    expect(effectiveHistory(stream.events)).toEqual([target]);
    expect(JSON.stringify(stream.events)).toBe(before);
  });
});
