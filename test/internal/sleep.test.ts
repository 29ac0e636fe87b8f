import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/internal/sleep.js';

describe('sleep', () => {
  it('rejects with the reason as soon as the signal fires', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('rejects at once for a signal that already fired', async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('resolves at once for no delay, and still honours an aborted signal', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
    await expect(sleep(0, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
