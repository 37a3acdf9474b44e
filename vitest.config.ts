import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// Unit tests import the pipeline and server code in-process. HTTP and browser tests talk to a real
// built server that their global setup starts (tests/setup/server.ts).
export default defineConfig({
	test: {
		projects: [
			{
				// Compiles components and resolves $lib/$server, so tests/unit/ui can render components and call page loads.
				plugins: [sveltekit()],
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				test: {
					name: 'http',
					include: ['tests/http/**/*.test.ts'],
					globalSetup: ['tests/setup/server.ts'],
					testTimeout: 60_000,
					hookTimeout: 240_000
				}
			},
			{
				test: {
					name: 'browser',
					include: ['tests/browser/**/*.test.ts'],
					// Chromium present (installed when root), then the built app started like the http project's.
					globalSetup: ['tests/browser/setup.ts'],
					testTimeout: 120_000,
					hookTimeout: 300_000
				}
			}
		]
	}
});
