/**
 * Runs jobs at most `slots` at a time, in the order they were given: the end-to-end tests plan
 * several modules at once, as many as the machine has cores.
 */
export function limiter(slots: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
