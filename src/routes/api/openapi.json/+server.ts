import { getApp } from '$server/app';
import { methodNotAllowedResponse } from '$server/http/responses';
import type { RequestHandler } from './$types';

// Public even when an API key is set: it documents how to authenticate, and Swagger UI loads it before any key is entered.
export const GET: RequestHandler = () => Response.json(getApp().openApiDocument);

export const fallback: RequestHandler = ({ request, url }) => methodNotAllowedResponse(request.method, url.pathname, ['GET']);
