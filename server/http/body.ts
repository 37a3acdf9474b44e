import { TRPCError } from '@trpc/server';

/** A Content-Type whose charset parameter names something other than UTF-8, the only charset of JSON. */
export function declaresOtherCharset(contentType: string | null): boolean {
	const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1];
	return charset !== undefined && !/^utf-?8$/i.test(charset);
}

/** JSON as RFC 8259 has it: `application/json`, UTF-8 (a charset parameter, if any, must say so). */
export function isJson(contentType: string | null): boolean {
	return /^application\/json\s*(;|$)/i.test(contentType ?? '') && !declaresOtherCharset(contentType);
}

function tooLarge(maxBytes: number): TRPCError {
	return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than the limit of ${maxBytes} bytes` });
}

/** The HTTP server's own body limit (adapter-node's BODY_SIZE_LIMIT) reports 413 as well; answer it in our words. */
function isPayloadTooLarge(error: unknown): boolean {
	return typeof error === 'object' && error !== null && 'status' in error && error.status === 413;
}

/**
 * The same request, its body cut off with a PAYLOAD_TOO_LARGE error once it exceeds `maxBytes`: at once
 * when Content-Length says so, else while streaming. Handlers reading it turn that into a 413. The rest
 * of the body is left unread, not cancelled: cancelling destroys the socket before the client reads the
 * 413, while Node discards what is left once the response is sent.
 */
export function limitRequestBody(request: Request, maxBytes: number): Request {
	const length = request.headers.get('content-length');
	// adapter-node fails a body that runs past its Content-Length, so a declared size within the limit is enough.
	if (!request.body || (length !== null && Number(length) <= maxBytes)) return request;
	const declared = Number(length);
	const source = request.body;
	// Taken at the first read, so a handler that answers without reading leaves the body to settleUnreadBody.
	let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
	let received = 0;
	const limited = new ReadableStream<Uint8Array>(
		{
			start(controller) {
				if (declared > maxBytes) controller.error(tooLarge(maxBytes));
			},
			async pull(controller) {
				reader ??= source.getReader();
				try {
					const { done, value } = await reader.read();
					if (done) return controller.close();
					received += value.byteLength;
					if (received <= maxBytes) return controller.enqueue(value);
					controller.error(tooLarge(maxBytes));
				} catch (error) {
					controller.error(isPayloadTooLarge(error) ? tooLarge(maxBytes) : error);
				}
			},
			cancel: (reason) => (reader ?? source).cancel(reason)
		},
		// No read ahead: pull only when the handler reads.
		{ highWaterMark: 0 }
	);
	return new Request(request, { body: limited, duplex: 'half' } as RequestInit);
}
