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
  ms: number | undefined,
  outer: AbortSignal | undefined,
  late: () => string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  // One controller for both causes; the listener on `outer` (a worker's lifelong shutdown signal) is removed at the
  // end rather than left behind per refresh, as AbortSignal.any would.
  const controller = new AbortController();
  const { signal } = controller;
  const onOuterAbort = () => controller.abort(outer!.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
  });
  aborted.catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = ms === undefined ? undefined : setTimeout(() => controller.abort(new DeadlineError(late())), ms);
  try {
    signal.throwIfAborted();
    const running = work(signal);
    running.catch(() => {});
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
