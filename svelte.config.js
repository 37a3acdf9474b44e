import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Separate output folders let a test build run beside a developer's build.
		adapter: adapter({ out: process.env.CONVINCE_BUILD_DIR ?? 'build' }),
		alias: {
			$server: 'server',
			$db: 'db'
		}
	}
};

export default config;
