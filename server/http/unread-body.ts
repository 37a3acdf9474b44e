type Discarded = 'all' | 'too-large' | 'failed';

async function discard(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Discarded> {
	const reader = body.getReader();
	let read = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return 'all';
			read += value.byteLength;
			if (read > maxBytes) return 'too-large';
		}
	} catch {
		// The server's own limit already refused this body; Node discards it once the response is sent.
		return 'failed';
	} finally {
		reader.releaseLock();
	}
}

function closingConnection(response: Response): Response {
	const closing = new Response(response.body, response);
	closing.headers.set('connection', 'close');
	return closing;
}

/**
 * Settles a request body no handler read (answered 401, 404, 405, 415... before reading): it is read
 * and dropped, up to the size limit, before the answer goes out. Answering while the client still
 * sends makes Node reset the connection, so the client never sees the answer. A body too large to
 * read, or cut off by a 413, gets `Connection: close` instead, so no other request follows on it.
 */
export async function settleUnreadBody(request: Request, response: Response, maxBytes: number): Promise<Response> {
	if (request.body?.locked) return response.status === 413 ? closingConnection(response) : response;
	return (await dropUnreadBody(request, maxBytes)) === 'too-large' ? closingConnection(response) : response;
}

/**
 * Reads and drops a body no handler will read (see settleUnreadBody), before answering without one;
 * 'too-large' when it is over the limit, and the answer must close the connection.
 */
export async function dropUnreadBody(request: Request, maxBytes: number): Promise<Discarded | 'none'> {
	if (!request.body || request.body.locked || request.bodyUsed) return 'none';
	return discard(request.body, maxBytes);
}
