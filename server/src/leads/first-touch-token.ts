// Landing pages put "vm_token:<token>" in the WhatsApp link's pre-filled text, so the first message names the click.
const TOKEN = /\bvm_token:([A-Za-z0-9_-]{4,64})/i;

export function findFirstTouchToken(text: string | undefined): string | undefined {
	return text ? TOKEN.exec(text)?.[1] : undefined;
}
