import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Separate output folders let a test build run beside a developer's build.
		adapter: adapter({ out: process.env.CONVINCE_BUILD_DIR ?? 'build' }),
		typescript: {
			// server/, db/ and scripts/ live outside src/ but are type-checked with it.
			config: (tsconfig) => {
				tsconfig.include.push('../server/**/*.ts', '../db/**/*.ts', '../scripts/**/*.ts', '../clients/**/*.ts');
			}
		},
		alias: {
			$server: 'server',
			$db: 'db'
		},
		// src/instrumentation.server.ts aligns adapter-node's body limit with the API's before the app loads.
		experimental: { instrumentation: { server: true } },
		// The same origin check runs in src/hooks.server.ts for pages only: API clients posting form data get 415, not 403.
		csrf: { trustedOrigins: ['*'] }
	}
};

export default config;
