/**
 * Who is on WhatsApp. Deterministic rule: a number whose digits end in `0000` is NOT on WhatsApp
 * (except the connected account's own number); the control API can add or remove numbers from an
 * explicit not-on-WhatsApp set, and force numbers to exist.
 */
export class WhatsAppDirectory {
	private readonly missing = new Set<string>();
	private readonly present = new Set<string>();

	markMissing(numbers: string[]): void {
		for (const number of numbers.map(digitsOf)) {
			this.present.delete(number);
			this.missing.add(number);
		}
	}

	markPresent(numbers: string[]): void {
		for (const number of numbers.map(digitsOf)) {
			this.missing.delete(number);
			this.present.add(number);
		}
	}

	reset(): void {
		this.missing.clear();
		this.present.clear();
	}

	snapshot(): { notOnWhatsApp: string[]; forcedOnWhatsApp: string[] } {
		return { notOnWhatsApp: [...this.missing], forcedOnWhatsApp: [...this.present] };
	}

	exists(number: string, ownNumber?: string): boolean {
		const digits = digitsOf(number);
		if (this.missing.has(digits)) return false;
		if (this.present.has(digits) || digits === ownNumber) return true;
		return !digits.endsWith('0000');
	}
}

export const digitsOf = (number: string) => number.split('@')[0].replace(/\D/g, '');
