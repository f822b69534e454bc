import { AuthFailureLimiter } from './auth-failure-limiter';

describe('AuthFailureLimiter', () => {
  let now = 1_000_000;
  const clock = () => now;

  test('lets a client fail up to the limit in a minute, then makes it wait for the rest of the minute', () => {
    const limiter = new AuthFailureLimiter(3, clock);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('10.0.0.1')).toBe(0);
      limiter.recordFailure('10.0.0.1');
    }
    expect(limiter.retryAfter('10.0.0.1')).toBe(60);
    now += 45_500;
    expect(limiter.retryAfter('10.0.0.1')).toBe(15);
    expect(limiter.retryAfter('10.0.0.2')).toBe(0);
    now += 14_500;
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
  });
});
