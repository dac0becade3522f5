/** LIKE pattern matching `text` anywhere, with the user's % and _ taken literally. */
export function containsPattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The search condition on conversations `c` for a pattern parameter: the contact's name, push name or phone, or the
 * last message. Written as "ids of matching conversations" so trigram indexes (migration 0011) find the few matches
 * instead of the list scanning every conversation; the contact expression is the indexed one.
 */
export function conversationSearchSql(workspaceParam: string, patternParam: string): string {
	return `c.id IN (
		SELECT m.id FROM whatsapp_conversations m WHERE m.workspace_id = ${workspaceParam} AND m.contact_id IN (
			SELECT s.id FROM contacts s WHERE s.workspace_id = ${workspaceParam}
				AND (coalesce(s.name, '') || ' ' || coalesce(s.push_name, '') || ' ' || coalesce(s.phone_e164, '')) ILIKE ${patternParam})
		UNION
		SELECT m.id FROM whatsapp_conversations m WHERE m.workspace_id = ${workspaceParam} AND m.last_message_preview ILIKE ${patternParam})`;
}
