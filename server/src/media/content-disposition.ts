/**
 * A Content-Disposition header with the file's name: an ASCII fallback for old clients and the UTF-8 name
 * (RFC 6266 / 8187) for the rest, so "relatório.pdf" downloads as itself.
 */
export function contentDisposition(fileName: string, kind: 'inline' | 'attachment'): string {
	const cleaned = fileName.replace(/[\r\n"\\/]/g, '_').trim() || 'file';
	const ascii = cleaned.replace(/[^\x20-\x7e]/g, '_');
	const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
