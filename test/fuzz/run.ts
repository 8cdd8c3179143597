/**
 * How the fuzz tier runs its properties: how many cases (small for `npm test`, the full counts with
 * NETLENS_FUZZ=full), with which seed, and the figures each property prints (cases, seconds, failures).
 *
 * A failure names its seed and its path; `NETLENS_FUZZ_SEED=<seed> NETLENS_FUZZ_PATH=<path>` replays that case
 * alone, with the same counts.
 */
import type { TestContext } from 'node:test';
import fc from 'fast-check';

/** The full counts of issue #13 (10^6 names, 10^4 manifests, 10^4 edits), instead of CI's. */
export const FULL = process.env.NETLENS_FUZZ === 'full';

/** The seed of every property: fixed, so that a run repeats, unless NETLENS_FUZZ_SEED names another. */
export const SEED = process.env.NETLENS_FUZZ_SEED ? Number(process.env.NETLENS_FUZZ_SEED) : 20240613;

const PATH = process.env.NETLENS_FUZZ_PATH;

/** The number of cases: `ci` under `npm test`, `full` with NETLENS_FUZZ=full. */
export function cases(ci: number, full: number): number {
  return FULL ? full : ci;
}

/**
 * Runs `property` for `numRuns` cases and prints its figures as the test's diagnostics; a failure throws fast-check's
 * report (the counterexample after shrinking, the seed and the path that replays it).
 */
export async function fuzz<T>(
  t: TestContext,
  what: string,
  property: fc.IProperty<T> | fc.IAsyncProperty<T>,
  numRuns: number,
  /** `endOnFailure`: report the first failure as it is, without shrinking (for a property whose cases share state). */
  options: { readonly endOnFailure?: boolean } = {},
): Promise<void> {
  t.diagnostic(`${what}: seed ${SEED}${PATH ? `, path ${PATH}` : ''}, ${numRuns} cases${FULL ? ' (full counts)' : ''}`);
  const started = performance.now();
  const details = await fc.check(property as fc.IAsyncProperty<T>, {
    seed: SEED,
    numRuns,
    ...(PATH ? { path: PATH } : {}),
    ...(options.endOnFailure ? { endOnFailure: true } : {}),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  t.diagnostic(`${what}: ${details.numRuns} cases in ${seconds} s, ${details.failed ? 1 : 0} failures`);
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? `${what} failed (seed ${SEED}, path ${details.counterexamplePath})`;
    const cause = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
    throw new Error(`${report}\nReplay it alone: NETLENS_FUZZ_SEED=${SEED} NETLENS_FUZZ_PATH=${details.counterexamplePath}\n${cause}`);
  }
}
