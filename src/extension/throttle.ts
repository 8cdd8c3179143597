/**
 * Throttling for the views' redraws (no VS Code API here, so it is tested on its own). Runs `fn` at once when it
 * has not run for the interval (a number of ms, or a function that says it at each call), else once at the end of
 * that interval, however many calls came in between; a run never overlaps the previous one.
 */
export function throttle(fn: () => Promise<void>, interval: number | (() => number)): { run(): void; dispose(): void } {
  const ms = typeof interval === 'number' ? () => interval : interval;
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const fire = async () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    last = Date.now();
    running = fn().catch(() => undefined);
    await running;
    running = undefined;
    if (again) {
      again = false;
      run();
    }
  };
  const run = () => {
    if (timer) return;
    timer = setTimeout(() => void fire(), Math.max(0, last + ms() - Date.now()));
  };
  return { run, dispose: () => clearTimeout(timer) };
}
