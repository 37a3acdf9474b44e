import type { DisplayHint } from '../pipeline/kit/display';
import { DISPLAY_KEY } from '../pipeline/kit/display';
import type { JsonSchema } from '../pipeline/kit/manifest';

/** Reading JSON Schemas from the manifest: enough of draft 2020-12 to build forms and pick renderers. */

export type Scalar = string | number | boolean | null;

function isSchema(value: unknown): value is JsonSchema {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function properties(schema: JsonSchema): [string, JsonSchema][] {
	const props = schema.properties;
	return isSchema(props) ? Object.entries(props).filter((entry): entry is [string, JsonSchema] => isSchema(entry[1])) : [];
}

export function requiredKeys(schema: JsonSchema): Set<string> {
	return new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
}

export function isObjectSchema(schema: JsonSchema): boolean {
	return schema.type === 'object' && isSchema(schema.properties);
}

function isNullSchema(schema: unknown): boolean {
	return isSchema(schema) && (schema.type === 'null' || (schema.const === null && Object.keys(schema).length === 1));
}

/** Splits `T | null` (as `anyOf` or a `type` array) into `T` and whether null is allowed. */
export function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
	if (Array.isArray(schema.anyOf)) {
		const others = schema.anyOf.filter((s) => !isNullSchema(s));
		if (others.length === 1 && others.length < schema.anyOf.length && isSchema(others[0])) {
			const { anyOf: _anyOf, ...rest } = schema;
			return { schema: { ...rest, ...others[0] }, nullable: true };
		}
	}
	if (Array.isArray(schema.type) && schema.type.includes('null')) {
		const types = schema.type.filter((t) => t !== 'null');
		return { schema: { ...schema, type: types.length === 1 ? types[0] : types }, nullable: true };
	}
	return { schema, nullable: false };
}

/** The fixed values a schema allows (`enum`, `const`, or a union of constants), if it is a choice. */
export function choices(schema: JsonSchema): Scalar[] | undefined {
	if (Array.isArray(schema.enum)) return schema.enum as Scalar[];
	if ('const' in schema) return [schema.const as Scalar];
	const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
	if (!alternatives?.every((s) => isSchema(s) && ('const' in s || Array.isArray(s.enum)))) return undefined;
	return alternatives.flatMap((s) => choices(s as JsonSchema) ?? []);
}

/** The schema of an array's items (of a nullable array too), when it has one schema for all of them. */
export function itemsSchema(schema: JsonSchema | undefined): JsonSchema | undefined {
	const items = schema && unwrapNullable(schema).schema.items;
	return isSchema(items) ? items : undefined;
}

/** The dataset whose item ids a (table column's) schema says it holds: `display.itemId`. */
export function itemIdDataset(schema: JsonSchema | undefined): string | undefined {
	const hint = schema && displayHint(schema);
	return hint?.kind === 'itemId' ? hint.dataset : undefined;
}

export function displayHint(schema: JsonSchema): DisplayHint | undefined {
	const hint = schema[DISPLAY_KEY];
	return isSchema(hint) && typeof hint.kind === 'string' ? (hint as DisplayHint) : undefined;
}

export function description(schema: JsonSchema): string | undefined {
	return typeof schema.description === 'string' ? schema.description : undefined;
}

/** `spamThreshold` -> `Spam threshold`: labels for people, while names stay as the API spells them. */
export function humanize(key: string): string {
	const words = key
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/[_-]+/g, ' ')
		.trim()
		.toLowerCase();
	return words.charAt(0).toUpperCase() + words.slice(1);
}
