import type { AgentSettings } from './agent-settings';

/** Lower case without accents or surrounding space: "Atendente " and "atendênte" compare equal. */
export function normalised(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** Whether a customer's text starts the AI: every message, or the keyword by its operator (case and accents ignored). */
export function matchesTrigger(trigger: AgentSettings['trigger'], text: string): boolean {
	if (trigger.type === 'all') return true;
	const value = trigger.value ?? '';
	switch (trigger.operator) {
		case 'equals':
			return normalised(text) === normalised(value);
		case 'contains':
			return normalised(text).includes(normalised(value));
		case 'starts_with':
			return normalised(text).startsWith(normalised(value));
		case 'regex':
			try {
				return new RegExp(value, 'iu').test(text);
			} catch {
				return false;
			}
	}
}
