'use strict';
/**
 * CommonJS stand-in for content-disposition 3 (ESM-only) under Jest: @fastify/static require()s it, which Node
 * ≥ 20.19 does natively but Jest's module runtime cannot. Only `create` is used (reply.download's header); it
 * renders the same RFC 6266 header: an ASCII fallback plus the UTF-8 name.
 */
function create(filename, options) {
	const type = (options && options.type) || 'attachment';
	if (filename === undefined) return type;
	const name = String(filename).replace(/[\r\n"\\]/g, '_');
	const ascii = name.replace(/[^\x20-\x7e]/g, '?');
	if (ascii === name) return `${type}; filename="${name}"`;
	return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function parse() {
	throw new Error('content-disposition parse() is not shimmed for the tests');
}

module.exports = { create, parse };
