import { reportResponse } from '../../report-files.server';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) =>
	reportResponse(params.id, 'summary.html', {
		'content-type': 'text/html; charset=utf-8',
		'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'"
	});
