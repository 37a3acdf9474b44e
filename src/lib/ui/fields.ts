import type { Issue } from '../pipeline/kit/errors';
import type { JsonSchema } from '../pipeline/kit/manifest';
import { type Scalar, choices, description, humanize, isObjectSchema, properties, requiredKeys, unwrapNullable } from './schema';

/** Form controls generated from a JSON Schema, and the way back from submitted strings to values. */

/** Strings up to this many characters get a one-line box; longer or unbounded ones a text area. */
const ONE_LINE_MAX_CHARS = 10_000;

export type FieldKind = 'text' | 'textarea' | 'number' | 'integer' | 'boolean' | 'choice' | 'json';

export interface Field {
	/** Control name and issue path, dot-separated: `input.raw`, `flags.spamThreshold`. */
	name: string;
	label: string;
	kind: FieldKind;
	description?: string;
	required: boolean;
	nullable: boolean;
	default?: unknown;
	options?: Scalar[];
	minimum?: number;
	maximum?: number;
}

/** What a control holds: text for inputs, selects and text areas; checked state for checkboxes. */
export type ControlValues = Record<string, string | boolean>;

function kindOf(schema: JsonSchema): Pick<Field, 'kind' | 'options'> {
	const options = choices(schema);
	if (options) return { kind: 'choice', options };
	switch (schema.type) {
		case 'boolean':
			return { kind: 'boolean' };
		case 'integer':
			return { kind: 'integer' };
		case 'number':
			return { kind: 'number' };
		case 'string':
			return { kind: typeof schema.maxLength === 'number' && schema.maxLength <= ONE_LINE_MAX_CHARS ? 'text' : 'textarea' };
		default:
			return { kind: 'json' };
	}
}

function field(name: string, label: string, property: JsonSchema, required: boolean): Field {
	const { schema, nullable } = unwrapNullable(property);
	const { kind, options } = kindOf(schema);
	// zod writes ±MAX_SAFE_INTEGER for every int: not a bound worth showing.
	const bounded = (n: unknown) => (typeof n === 'number' && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined);
	return {
		name,
		label,
		kind,
		description: description(property) ?? description(schema),
		required: required && !('default' in property),
		nullable,
		default: property.default,
		options,
		minimum: bounded(schema.minimum),
		maximum: bounded(schema.maximum)
	};
}

/** One field per property of an object schema (or one field for the whole value otherwise). */
export function fieldsOf(schema: JsonSchema, prefix: string): Field[] {
	if (!isObjectSchema(schema)) return [field(prefix, humanize(prefix), schema, true)];
	const required = requiredKeys(schema);
	return properties(schema).map(([key, property]) => field(`${prefix}.${key}`, humanize(key), property, required.has(key)));
}

/** The key of a field inside its object (`input.raw` -> `raw`), or undefined for a whole-value field. */
function keyOf(fieldName: string): string | undefined {
	const dot = fieldName.indexOf('.');
	return dot < 0 ? undefined : fieldName.slice(dot + 1);
}

function toControl(field: Field, value: unknown): string | boolean {
	if (value === undefined) value = field.default;
	if (field.kind === 'boolean') return value === true;
	if (value === undefined || value === null) return '';
	if (field.kind === 'json') return JSON.stringify(value, null, 2);
	return String(value);
}

/** Control values showing `value` (an object for object schemas); fields it lacks show their default. */
export function controlValues(fields: Field[], value: unknown): ControlValues {
	const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
	return Object.fromEntries(
		fields.map((f) => {
			const key = keyOf(f.name);
			return [f.name, toControl(f, key === undefined ? value : record[key])];
		})
	);
}

/** Anything `FormData` and `URLSearchParams` both are. */
export interface FormSource {
	get(name: string): FormDataEntryValue | null;
}

/** The raw control values as submitted, to show them again beside their issues. */
export function submittedControls(fields: Field[], source: FormSource): ControlValues {
	return Object.fromEntries(
		fields.map((f) => {
			const raw = source.get(f.name);
			return [f.name, f.kind === 'boolean' ? raw !== null : typeof raw === 'string' ? raw : ''];
		})
	);
}

type Parsed = { value: unknown } | { omit: true } | { issue: string };

function parseControl(field: Field, raw: FormDataEntryValue | null): Parsed {
	// An unchecked checkbox sends nothing: for a boolean field that means false.
	if (field.kind === 'boolean') return { value: raw !== null };
	const text = typeof raw === 'string' ? raw : '';
	if (text.trim() === '' && field.kind !== 'text' && field.kind !== 'textarea') {
		if (!field.required) return { omit: true };
		return field.nullable ? { value: null } : { issue: 'Required' };
	}
	switch (field.kind) {
		case 'text':
		case 'textarea':
			if (text === '' && !field.required) return { omit: true };
			return { value: text === '' && field.nullable ? null : text };
		case 'number':
		case 'integer': {
			const n = Number(text);
			return Number.isFinite(n) ? { value: n } : { issue: `Not a number: "${text}"` };
		}
		case 'choice': {
			const option = field.options?.find((o) => String(o) === text);
			return option !== undefined ? { value: option } : { issue: `Pick one of: ${field.options?.map(String).join(', ')}` };
		}
		case 'json':
			try {
				return { value: JSON.parse(text) };
			} catch (error) {
				return { issue: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
			}
	}
}

/**
 * Builds the value the fields describe from submitted controls. Only what a form cannot express is
 * checked here (numbers, JSON, choices); the pipeline's own schema judges the rest on the server.
 */
export function readFields(fields: Field[], source: FormSource): { value: unknown; issues: Issue[] } {
	const issues: Issue[] = [];
	const record: Record<string, unknown> = {};
	let whole: unknown;
	for (const f of fields) {
		const parsed = parseControl(f, source.get(f.name));
		if ('issue' in parsed) issues.push({ path: f.name.split('.'), message: parsed.issue });
		else if ('value' in parsed) {
			const key = keyOf(f.name);
			if (key === undefined) whole = parsed.value;
			else record[key] = parsed.value;
		}
	}
	const objectFields = fields.length > 0 && keyOf(fields[0].name) !== undefined;
	return { value: objectFields ? record : whole, issues };
}
