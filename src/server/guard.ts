/**
 * One guard for every handler, synchronous or not: a handler that throws, or whose promise rejects, is logged and
 * answered with its fallback, and the server goes on. No document or request can take the server down.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string) => void;

export type Guard = {
  <A extends unknown[], R>(name: string, handler: (...args: A) => Promise<R>, fallback: R): (...args: A) => Promise<R>;
  <A extends unknown[], R>(name: string, handler: (...args: A) => R, fallback: R): (...args: A) => R;
};

/** A guard that reports failures to `log`. */
export function guardWith(log: Log): Guard {
  const failed = (name: string, e: unknown) => log('error', `${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return (<A extends unknown[], R>(name: string, handler: (...args: A) => R | Promise<R>, fallback: R) =>
    (...args: A): R | Promise<R> => {
      try {
        const result = handler(...args);
        if (isPromise(result)) {
          return result.catch((e: unknown) => {
            failed(name, e);
            return fallback;
          });
        }
        return result;
      } catch (e) {
        failed(name, e);
        return fallback;
      }
    }) as Guard;
}

function isPromise<R>(value: R | Promise<R>): value is Promise<R> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
