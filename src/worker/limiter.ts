/** Counting semaphore: at most `limit` tasks run at once, the rest wait in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** One Limiter per key (host), created on demand and dropped when idle. */
export class KeyedLimiter {
  private readonly limiters = new Map<string, { limiter: Limiter; users: number }>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let entry = this.limiters.get(key);
    if (!entry) {
      entry = { limiter: new Limiter(this.limit), users: 0 };
      this.limiters.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.limiter.run(task);
    } finally {
      if (--entry.users === 0) this.limiters.delete(key);
    }
  }
}
