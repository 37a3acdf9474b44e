import { defineConfig } from 'vitest/config';

// Unit tests import the pipeline and server code in-process. HTTP and browser tests talk to a real
// built server that their global setup starts (tests/setup/server.ts).
export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			}
		]
	}
});
