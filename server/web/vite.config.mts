// The attendance web app's build: run with this folder as the working directory (the gulp build does), it writes
// the page and its hashed bundles to dist/server/public, which the server serves at `/` (server/src/web/).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [react()],
	base: '/',
	build: {
		outDir: '../../dist/server/public',
		emptyOutDir: true,
		// Source maps let an attendant's bug report point at a line; they are served only to whoever asks.
		sourcemap: true,
		chunkSizeWarningLimit: 1500,
	},
	server: {
		// `npx vite` in this folder, with `npm start` beside it: the page reloads on edits and talks to the real server.
		proxy: {
			'/api': 'http://127.0.0.1:3000',
			'/realtime': { target: 'ws://127.0.0.1:3000', ws: true },
		},
	},
});
