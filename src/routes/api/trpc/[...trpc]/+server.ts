import { getApp } from '$server/app';
import { handleTrpcRequest } from '$server/http/trpc';
import type { RequestHandler } from './$types';

const handle: RequestHandler = ({ request }) => handleTrpcRequest(getApp(), request);

export const GET = handle;
export const POST = handle;
// tRPC answers other methods itself (405), in its own error format.
export const fallback = handle;
