/** Where the command line writes, so it can run in-process in tests as well as in a terminal. */

/** A text stream: `process.stdout` or a test's collector. */
export interface CliStream {
  write(chunk: string): unknown;
  /** True on a terminal: colors and progress are drawn only then. */
  readonly isTTY?: boolean;
}

/** The outside world of one `runCli` call. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  /** Clock in milliseconds for bounds and progress; `performance.now` by default. */
  readonly now?: () => number;
}

/** A stream that keeps what is written, for tests. */
export class CapturedStream implements CliStream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
