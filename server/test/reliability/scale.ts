/**
 * The reliability suites run in `npm test` at a reduced size and at full size with `npm run test:reliability`
 * (which sets RELIABILITY_FULL=1). Only the amount of work changes, never what is asserted.
 */
export const fullSize = process.env.RELIABILITY_FULL === '1';

/** The count to use: `reduced` in `npm test`, `full` in `npm run test:reliability`. */
export function scaled(reduced: number, full: number): number {
	return fullSize ? full : reduced;
}

/**
 * At full size a suite's work is 10–25 times the reduced one: on PGlite (one WASM thread) on a 2-core machine that is
 * longer than the project's 180 s per test. The limit only bounds a hang; it asserts no speed.
 */
if (fullSize) jest.setTimeout(30 * 60_000);
