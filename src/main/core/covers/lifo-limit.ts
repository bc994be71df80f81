/**
 * Runs async tasks with at most `limit` at once; waiting tasks start newest first. For covers, the
 * newest request is a row the user is looking at now; the oldest may have been scrolled past.
 */
export function lifoLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((start) => waiting.push(start));
    else active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the newest waiter, so a new caller cannot take it in between.
      const next = waiting.pop();
      if (next) next();
      else active--;
    }
  };
}
