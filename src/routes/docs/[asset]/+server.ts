import { error } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RequestHandler } from './$types';

const contentTypes = {
	'swagger-ui.css': 'text/css; charset=utf-8',
	'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
	'favicon-32x32.png': 'image/png'
} as const;

// Resolved at run time: the package stays in node_modules, outside the server bundle.
const distDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

function isAsset(name: string): name is keyof typeof contentTypes {
	return Object.hasOwn(contentTypes, name);
}

export const GET: RequestHandler = async ({ params }) => {
	if (!isAsset(params.asset)) error(404, `No documentation asset ${params.asset}`);
	const body = await readFile(path.join(distDir, params.asset));
	return new Response(new Uint8Array(body), {
		headers: { 'content-type': contentTypes[params.asset], 'cache-control': 'public, max-age=86400' }
	});
};
