import { api, type ApiAnswer, unwrap } from '../../lib/api-client';
import type { Contact } from '../../lib/api-types';

/** A canned response of the workspace (server/src/inbox/canned-responses/canned-response-schema.ts). */
export type CannedResponse = ApiAnswer<'/api/v1/canned-responses', 'post'>;

export const listCannedResponses = () => unwrap(api.GET('/api/v1/canned-responses', { params: { query: {} } }));
export const createCannedResponse = (shortCode: string, content: string) =>
	unwrap(api.POST('/api/v1/canned-responses', { body: { shortCode, content } }));
export const deleteCannedResponse = (cannedResponseId: string) =>
	unwrap<unknown>(api.DELETE('/api/v1/canned-responses/{cannedResponseId}', { params: { path: { cannedResponseId } } }));

/** {{name}}, {{first_name}} and {{phone}} from the open conversation's contact; unknown variables become empty. */
export function fillVariables(content: string, contact: Pick<Contact, 'name' | 'pushName' | 'phoneE164'>): string {
	const name = (contact.name ?? contact.pushName ?? '').trim();
	const values: Record<string, string> = { name, first_name: name.split(/\s+/)[0] ?? '', phone: contact.phoneE164 ?? '' };
	return content.replace(/\{\{\s*([a-z_]+)\s*\}\}/gi, (_m, key: string) => values[key.toLowerCase()] ?? '');
}

/** The canned responses a "/code" in the text box asks for: by short code first, then by text. */
export function matchCanned(all: CannedResponse[], typed: string): CannedResponse[] {
	const q = typed.toLowerCase();
	const byCode = all.filter((c) => c.shortCode.startsWith(q));
	const byText = all.filter((c) => !c.shortCode.startsWith(q) && (c.shortCode.includes(q) || c.content.toLowerCase().includes(q)));
	return [...byCode, ...byText].slice(0, 8);
}
