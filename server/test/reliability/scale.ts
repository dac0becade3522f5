/**
 * The reliability suites run in `npm test` at a reduced size and at full size with `npm run test:reliability`
 * (which sets RELIABILITY_FULL=1). Only the amount of work changes, never what is asserted.
 */
export const fullSize = process.env.RELIABILITY_FULL === '1';

/** The count to use: `reduced` in `npm test`, `full` in `npm run test:reliability`. */
export function scaled(reduced: number, full: number): number {
	return fullSize ? full : reduced;
}
