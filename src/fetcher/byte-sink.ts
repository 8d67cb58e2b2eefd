/**
 * Collects a response body into one buffer as it arrives: sized by Content-Length when the server declares it (so a
 * 30 MB feed costs 30 MB, not its chunks plus their concatenation), grown by doubling otherwise (or when the server
 * sends more than it declared).
 */
export class ByteSink {
  private buffer: Buffer;
  private length = 0;

  constructor(expected?: number) {
    this.buffer = Buffer.allocUnsafe(
      expected !== undefined && Number.isSafeInteger(expected) && expected > 0 ? expected : 64 * 1024,
    );
  }

  write(chunk: Buffer): void {
    if (this.length + chunk.length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.length + chunk.length, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length += chunk.length;
  }

  /** The bytes written (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
