import { MAX_TYPING_MS, MIN_TYPING_MS } from '../outbox/typing-delay';

/** A reply as the messages it goes out as: split on blank lines when asked, each with its typing time. */
export function replyParts(text: string, options: { split: boolean; timePerCharMs: number }): Array<{ text: string; typingMs: number }> {
	const parts = options.split
		? text
				.split(/\n\s*\n/)
				.map((p) => p.trim())
				.filter(Boolean)
		: [text.trim()].filter(Boolean);
	return parts.map((part) => ({ text: part, typingMs: typingFor(part, options.timePerCharMs) }));
}

/** Time per character, clamped to 1–20 s as Evolution's bots do. */
export function typingFor(text: string, timePerCharMs: number): number {
	return Math.min(MAX_TYPING_MS, Math.max(MIN_TYPING_MS, [...text].length * timePerCharMs));
}
