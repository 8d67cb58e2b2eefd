/** A fetch failure with what the scheduler needs to decide on a retry. */
export class FetchError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Seconds from a Retry-After header, when the server sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}
