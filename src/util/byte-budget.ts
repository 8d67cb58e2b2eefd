/**
 * A budget of bytes in flight, shared by the refreshes of a process: a refresh holds its document's size from the
 * moment it starts parsing until its articles are stored (or it fails), and waits, in order, while the others hold
 * the rest. A parsed feed takes many times its size in memory, so sixteen long feeds at once, each legal, must not be
 * parsed together. A document larger than the whole budget is still admitted, alone, so no legal feed waits forever.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** How many are waiting for room. */
  get waiters(): number {
    return this.waiting.length;
  }

  /** Resolves once `bytes` fit (or nothing else is held), with the function that gives them back (idempotent). */
  async acquire(bytes: number, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.waiting.length > 0 || !this.fits(bytes)) {
      await new Promise<void>((resolve, reject) => {
        const entry = {
          bytes,
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          reject(signal!.reason);
          this.admit();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(entry);
      });
    } else {
      this.used += bytes;
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.used -= bytes;
      this.admit();
    };
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }

  /** Grants waiters in order while the first fits. */
  private admit(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.grant();
    }
  }
}
