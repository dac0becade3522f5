/** The sendReaction rule: exactly one emoji (one grapheme that is pictographic) or "" to remove. */
interface GraphemeSegmenter {
	segment(text: string): Iterable<unknown>;
}
// Intl.Segmenter exists in Node 20; the test tsconfig's lib (es2021) does not declare it.
const segmenter: GraphemeSegmenter = new (Intl as unknown as { Segmenter: new (locale: undefined, options: object) => GraphemeSegmenter }).Segmenter(
	undefined,
	{ granularity: 'grapheme' },
);

export function isSingleEmoji(text: string): boolean {
	if (text === '') return true;
	const graphemes = [...segmenter.segment(text)];
	return graphemes.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(text);
}
