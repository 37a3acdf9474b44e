import { reportResponse } from '../../report-files.server';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) =>
	reportResponse(params.id, 'items.csv', {
		'content-type': 'text/csv; charset=utf-8',
		'content-disposition': `attachment; filename="run-${params.id}-items.csv"`
	});
