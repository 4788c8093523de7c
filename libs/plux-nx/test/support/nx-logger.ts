import { logger } from '@nx/devkit';
import { beforeEach, vi, type MockInstance } from 'vitest';

/** The spies {@link spyOnNxLoggerInEachTest} hands over. */
export interface NxLoggerSpies {
  readonly info: MockInstance<typeof logger.info>;
  readonly warn: MockInstance<typeof logger.warn>;
}

/**
 * Silences Nx's `logger.info` and `logger.warn` around every test of the calling file or `describe` (it registers
 * the `beforeEach` and its cleanup), so the generators' notes stay out of the test output; `info` and `warn` are the
 * running test's spies, fresh for each test.
 */
export function spyOnNxLoggerInEachTest(): NxLoggerSpies {
  let spies: NxLoggerSpies | undefined;
  beforeEach(() => {
    const current = {
      info: vi.spyOn(logger, 'info').mockImplementation(() => undefined),
      warn: vi.spyOn(logger, 'warn').mockImplementation(() => undefined),
    };
    spies = current;
    return () => {
      current.info.mockRestore();
      current.warn.mockRestore();
      spies = undefined;
    };
  });
  const running = (): NxLoggerSpies => {
    if (!spies) throw new Error('spyOnNxLoggerInEachTest: the logger is spied on only while a test runs');
    return spies;
  };
  return {
    get info() {
      return running().info;
    },
    get warn() {
      return running().warn;
    },
  };
}
