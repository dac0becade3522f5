/**
 * "Typing…" before a send, through Evolution's own `delay` (it shows composing, or recording for voice notes, for
 * that long and then sends; CONTRACT §2.2): from the text's length at about a person's typing speed, clamped to
 * 1–20 s as Evolution's bots do (anchor-inbox §e). Media without a caption type for the minimum.
 */
export const TYPING_MS_PER_CHARACTER = 50;
export const MIN_TYPING_MS = 1_000;
export const MAX_TYPING_MS = 20_000;

export function typingDelayMs(text: string | null | undefined): number {
	const length = text ? [...text].length : 0;
	return Math.min(MAX_TYPING_MS, Math.max(MIN_TYPING_MS, length * TYPING_MS_PER_CHARACTER));
}
