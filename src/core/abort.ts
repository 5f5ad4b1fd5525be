/**
 * Small helpers for `AbortSignal`, shared by adapters and the engine so every call treats
 * cancellation the same way: reject with `signal.reason`, remove listeners afterwards.
 */

/** Throws `signal.reason` if the signal has already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/**
 * Calls `onAbort(reason)` once if `signal` aborts. Returns a function that removes the
 * listener; call it when the operation settles so no listener outlives its call.
 */
export function onAbort(signal: AbortSignal | undefined, onAbortFn: (reason: unknown) => void): () => void {
  if (!signal) return noop;
  const listener = () => onAbortFn(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/**
 * Resolves or rejects like `promise`, or rejects with `signal.reason` when `signal` aborts
 * first. `promise` itself is not cancelled (use this only where dropping the wait is safe).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(noop);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, (reason) => {
      promise.catch(noop);
      reject(reason);
    });
    promise.then(
      (value) => {
        off();
        resolve(value);
      },
      (error: unknown) => {
        off();
        reject(error);
      },
    );
  });
}

/** Does nothing; used to mark a promise as handled. */
export function noop(): void {}
