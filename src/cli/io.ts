// What a command may touch of the process, passed in so that commands are testable in-process.
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colour only on a terminal, and never with NO_COLOR set. */
  readonly color: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;
