import { EventEmitter } from 'node:events';

/** Resolves on the first `eventName`, after `timeoutMs`, or when `signal` aborts — whichever comes first. */
export function waitForSignalOrTimeout(emitter: EventEmitter, eventName: string, timeoutMs: number, signal?: AbortSignal) {
  let cancel: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off(eventName, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    emitter.on(eventName, done);
    signal?.addEventListener('abort', done, { once: true });
    cancel = done;
  });
  return { promise, cancel };
}
