import { ExpectedRevision } from './event-store';

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** -1n when the stream does not exist. */
    readonly actual: bigint,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An append that needed the stream to exist found none. A conflict too, so conflict handling catches it. */
export class StreamNotFoundError extends WrongExpectedRevisionError {
  constructor(streamId: string, expected: ExpectedRevision) {
    super(streamId, expected, -1n);
    this.message = `stream ${streamId} does not exist`;
    this.name = 'StreamNotFoundError';
  }
}
