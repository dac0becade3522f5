import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { api, type ApiAnswer, ApiFailure, unwrap } from '../../lib/api-client';

/** A file in the media store, as the upload answers it (server/src/media/media-file-schema.ts). */
export type StoredMedia = ApiAnswer<'/api/v1/media', 'post'>;

/** Uploads one file to the media store (multipart, part "file"); a send then names it by its id. */
export function uploadMedia(file: File, durationSeconds?: number): Promise<StoredMedia> {
	const form = new FormData();
	form.append('file', file, file.name);
	if (durationSeconds !== undefined) form.append('durationSeconds', String(Math.round(durationSeconds)));
	return unwrap(
		api.POST('/api/v1/media', {
			// The generated type describes the multipart fields; the browser builds the body (and its boundary) itself.
			body: form as unknown as { file: string },
			bodySerializer: (body) => body as unknown as FormData,
		}),
	);
}

/** The bytes of a stored file, fetched with the session (an <img src> could not send it). 409: still being fetched. */
async function fetchMedia(mediaId: string): Promise<Blob> {
	const answer = await api.GET('/api/v1/media/{mediaId}', { params: { path: { mediaId }, query: {} }, parseAs: 'blob' }).catch(() => {
		throw new ApiFailure(0, 'unreachable', 'server_unreachable');
	});
	if (!answer.response.ok) {
		const body = (answer.error ?? {}) as { error?: { code?: string; message?: string } };
		throw new ApiFailure(answer.response.status, body.error?.code ?? 'error', body.error?.message ?? answer.response.statusText);
	}
	return answer.data as Blob;
}

/**
 * A stored file as an object URL for <img>, <audio>, <video> and downloads (blob: URLs are what the page's
 * Content-Security-Policy allows besides its own origin). A file WhatsApp has not handed over yet (409) is asked
 * for again a little later; one that could not be fetched (410) says so.
 */
export function useMediaUrl(mediaId: string | null | undefined) {
	const query = useQuery({
		queryKey: ['media', mediaId],
		queryFn: () => fetchMedia(mediaId!),
		enabled: !!mediaId,
		staleTime: Infinity,
		gcTime: 5 * 60_000,
		retry: (count, error) => error instanceof ApiFailure && error.status === 409 && count < 20,
		retryDelay: 1_500,
	});
	const url = useMemo(() => (query.data ? URL.createObjectURL(query.data) : null), [query.data]);
	useEffect(() => () => {
		if (url) URL.revokeObjectURL(url);
	}, [url]);
	const unavailable = query.isError && !(query.error instanceof ApiFailure && query.error.status === 409);
	return { url, loading: query.isPending && !!mediaId, unavailable };
}
