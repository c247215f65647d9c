import { TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('passes the outcome through when it comes in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1_000)).resolves.toBe(42);
    await expect(withTimeout(Promise.reject(new Error('no')), 1_000)).rejects.toThrow('no');
  });

  it('rejects with a TimeoutError when it does not', async () => {
    jest.useFakeTimers();
    try {
      const pending = withTimeout(new Promise(() => undefined), 500, 'too slow');
      jest.advanceTimersByTime(500);
      await expect(pending).rejects.toEqual(new TimeoutError('too slow'));
    } finally {
      jest.useRealTimers();
    }
  });
});
