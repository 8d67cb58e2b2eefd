/** A piece of work that ran out of time. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `work` until it settles, `ms` pass, or `outer` aborts, whichever comes first; in the last two cases it rejects
 * at once (with a DeadlineError built by `late`, or with `outer`'s reason) and leaves the work behind: its signal is
 * aborted so that it stops what it can (requests, further stages), and a later failure of it is ignored. So a stage
 * that never settles — a parser stuck on a document, a request that ignores its own timeout — costs at most `ms`.
 */
export async function withDeadline<T>(
  ms: number | undefined, outer: AbortSignal | undefined, late: () => string, work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
  });
  aborted.catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = ms === undefined ? undefined : setTimeout(() => deadline.abort(new DeadlineError(late())), ms);
  try {
    signal.throwIfAborted();
    const running = work(signal);
    running.catch(() => {});
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
