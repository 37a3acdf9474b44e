import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateClientArtifacts } from '../../../server/codegen';

describe('committed clients/', () => {
	it('match what the router produces (run `npm run openapi` after changing a pipeline)', async () => {
		const artifacts = await generateClientArtifacts();
		for (const [name, content] of Object.entries(artifacts)) {
			expect(await readFile(`clients/${name}`, 'utf8'), `clients/${name} is stale: run npm run openapi`).toBe(content);
		}
	});
});
