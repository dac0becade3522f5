/** One numbered choice the node offered ("1" - "Sim"). */
export interface ReplyChoice {
	key: string;
	label: string;
}

const plain = (text: string) =>
	text
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[\s.!)\-–:]+$/u, '')
		.trim();

/**
 * The choice a reply picks: its key ("1", "1.", "1)") or its label ("sim", "SIM!"), case- and accent-insensitive, or
 * the whole offered line ("1 - Sim"). Anything else is free text (undefined).
 */
export function matchChoice(choices: ReplyChoice[], text: string | null): string | undefined {
	if (!text || !choices.length) return undefined;
	const said = plain(text);
	if (!said) return undefined;
	for (const choice of choices) {
		const key = plain(choice.key);
		const label = plain(choice.label);
		if (said === key || said === label || said === plain(`${choice.key} - ${choice.label}`)) return choice.key;
	}
	return undefined;
}
