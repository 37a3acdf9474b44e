import {
	type OpenApiMeta,
	type OpenApiProcedure,
	coerceSchema,
	getInputOutputParsers,
	instanceofZodTypeObject,
	unwrapZodType
} from 'trpc-to-openapi';
import { type Issue, type MaybePromise, andThen, recover } from '../../src/lib/pipeline';
import type { App } from '../app';
import type { Context } from '../context';
import { type DirectProcedure, callDirect, directDefinitionOf } from '../direct-procedure';
import { REST_BASE_PATH } from '../openapi';
import { assertAuthorized, createCallerFactory } from '../trpc';
import { type ApiResult, procedureErrorResult } from './results';

export interface Operation {
	method: string;
	/** Matches the request path; path parameters become named groups. */
	pattern: RegExp;
	/** Dotted tRPC path of the procedure, e.g. `steps.parse`. */
	procedure: string;
	/** The procedure's plain definition, when it has one: called without tRPC's plumbing. */
	direct?: DirectProcedure;
	/** Operations without a body that take input: the parameters it takes (path and query), by name. */
	parameters?: Map<string, 'number' | 'other'>;
}

/** Methods whose input is the JSON body. */
export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function pathPattern(path: string): RegExp {
	const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
	return new RegExp(`^${REST_BASE_PATH}${escaped}/?$`);
}

/** The top-level object of a procedure's input, as trpc-to-openapi unwraps it; undefined for other inputs. */
function inputObject(procedure: OpenApiProcedure) {
	const input = unwrapZodType(getInputOutputParsers(procedure).inputParser, true);
	return instanceofZodTypeObject(input) ? input : undefined;
}

/** Undefined for an operation that takes no input: no parameter can be misspelt, and probes add `?t=`. */
function parametersOf(procedure: OpenApiProcedure): Map<string, 'number' | 'other'> | undefined {
	const shape = inputObject(procedure)?.shape;
	if (!shape) return undefined;
	return new Map(
		Object.entries(shape).map(([name, schema]) => [name, unwrapZodType(schema, true).def.type === 'number' ? 'number' : 'other'])
	);
}

/** Every procedure with OpenAPI metadata, as REST sees it. */
export function operationsOf(app: Pick<App, 'router'>): Operation[] {
	return Object.entries(app.router._def.procedures).flatMap(([procedure, definition]) => {
		const { openapi } = ((definition as { _def: { meta?: OpenApiMeta } })._def.meta ?? {}) as OpenApiMeta;
		if (!openapi || openapi.enabled === false) return [];
		const direct = directDefinitionOf(definition);
		const parameters = BODY_METHODS.has(openapi.method) ? undefined : parametersOf(definition as unknown as OpenApiProcedure);
		return [
			{
				method: openapi.method,
				pattern: pathPattern(openapi.path),
				procedure,
				...(direct && { direct }),
				...(parameters && { parameters })
			}
		];
	});
}

/** A parameter's text as a number: plain decimals only, where `Number()` would also read "1e2", "0x10" and "" (as 0). */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * What is wrong with the path and query parameters of an operation without a body, before they are
 * read as its input: a name it does not take (trpc-to-openapi would drop it, or crash on `toString`),
 * a name given twice, or a number in any other form than a plain decimal.
 */
export function parameterIssue(operation: Operation, pathname: string, searchParams: URLSearchParams): Issue | undefined {
	// trpc-to-openapi collects the query in a plain object, where `toString` or `constructor` crashes it.
	const inherited = [...searchParams.keys()].find((name) => name in Object.prototype);
	const parameters = operation.parameters;
	if (!parameters) return inherited === undefined ? undefined : { path: [inherited], message: 'Unknown query parameter' };
	const given = [...Object.entries(operation.pattern.exec(pathname)?.groups ?? {}), ...searchParams.entries()];
	const seen = new Set<string>();
	for (const [name, value] of given) {
		const kind = parameters.get(name);
		if (!kind) return { path: [name], message: 'Unknown query parameter' };
		if (seen.has(name)) return { path: [name], message: 'Given more than once: it takes one value' };
		seen.add(name);
		// Text that is no number at all is left to the input schema, whose message says what it wants.
		if (kind === 'number' && !DECIMAL.test(value) && Number.isFinite(Number(value)))
			return { path: [name], message: `Expected a decimal number, got "${value}"` };
	}
	return undefined;
}

/**
 * Makes the query operations' inputs read strings as numbers and booleans, as trpc-to-openapi does to
 * the input schema of an operation it serves (the query ones: see rest.ts) by mutating it on that
 * operation's first REST call. Pages and tRPC call the same procedures, so a page link's answer
 * depended on whether the REST API had been called since start-up (`/runs/1?offset=1e3`: 400 before,
 * 200 after). Done once when the app is built, every caller meets the same schemas from the start.
 */
export function coerceQueryInputs(app: Pick<App, 'router'>): void {
	for (const operation of operationsOf(app)) {
		if (BODY_METHODS.has(operation.method)) continue;
		const input = inputObject((app.router._def.procedures as unknown as Record<string, OpenApiProcedure>)[operation.procedure]);
		if (input) coerceSchema(input);
	}
}

/** The operation answering `method` on `pathname`, if any. */
export function findOperation(operations: Operation[], method: string, pathname: string): Operation | undefined {
	return operations.find((operation) => operation.method === method && operation.pattern.test(pathname));
}

/**
 * The 401 a procedure answers, for a request without the key, before anything else is looked at: an
 * unknown path, a wrong method or media type would otherwise tell a stranger what is there.
 */
export function refusedKey(ctx: Context): ApiResult | undefined {
	try {
		assertAuthorized(ctx);
		return undefined;
	} catch (error) {
		return procedureErrorResult(error, 'auth');
	}
}

/**
 * Calls JSON-body operations with the body and path parameters as input: straight through their
 * direct definition when they have one (same answers as the router's, less CPU), else through the router.
 * Not through trpc-to-openapi's handler: it coerces every number and boolean inside the input schema
 * (and mutates the pipeline's schemas to do so, so `"false"` became `true`), which only query strings need.
 */
export function createOperationCaller(app: App) {
	const createCaller = createCallerFactory(app.router);
	function callRouter(operation: Operation, ctx: Context, input: unknown): Promise<unknown> {
		const caller = createCaller(ctx) as unknown as Record<string, unknown>;
		const call = operation.procedure.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
		return (call as (input: unknown) => Promise<unknown>)(input);
	}
	/** Synchronous when the whole call is (see MaybePromise). */
	return (operation: Operation, pathname: string, body: unknown, ctx: Context): MaybePromise<ApiResult> => {
		const pathParameters = operation.pattern.exec(pathname)?.groups ?? {};
		const input = Object.keys(pathParameters).length ? { ...(body as object), ...pathParameters } : body;
		return recover(
			() => {
				const data = operation.direct ? callDirect(operation.direct, ctx, input) : callRouter(operation, ctx, input);
				return andThen(data, (value): ApiResult => ({ status: 200, body: value ?? null }));
			},
			(error) => procedureErrorResult(error, operation.procedure)
		);
	};
}
