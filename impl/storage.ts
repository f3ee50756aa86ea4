/**
 * Main storage [400]: one ArrayBuffer divided into page frames. Every copy here works on whole
 * typed-array ranges (`copyWithin`, `set`, `fill`), never byte by byte.
 */

/** Main storage of the host: `frameCount` frames of `pageSize` bytes. */
export class MainStorage {
  /** The storage itself. */
  readonly buffer: ArrayBuffer;
  /** A byte view over all of `buffer`. */
  readonly bytes: Uint8Array;

  constructor(
    readonly frameCount: number,
    readonly pageSize: number,
  ) {
    this.buffer = new ArrayBuffer(frameCount * pageSize);
    this.bytes = new Uint8Array(this.buffer);
  }

  /** Host absolute address of the first byte of `frame`. */
  frameAddress(frame: number): number {
    return frame * this.pageSize;
  }

  /** A live view of one frame's bytes (no copy). */
  frame(frame: number): Uint8Array {
    const start = frame * this.pageSize;
    return this.bytes.subarray(start, start + this.pageSize);
  }

  /** Copy `count` consecutive frames from `from` to `to`; overlapping ranges are handled like memmove. */
  copyFrames(from: number, to: number, count = 1): void {
    const ps = this.pageSize;
    this.bytes.copyWithin(to * ps, from * ps, (from + count) * ps);
  }

  /** Fill `count` frames starting at `frame` with zeros. */
  zeroFrames(frame: number, count = 1): void {
    this.bytes.fill(0, frame * this.pageSize, (frame + count) * this.pageSize);
  }
}
