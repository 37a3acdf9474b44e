import { formatScalar } from './format';

/** One field of a value as a table cell shows it. */
export interface BriefField {
	name: string;
	text: string;
	/** False when `text` leaves part of the value out (clipped text, a list's tail, rounded digits aside). */
	whole: boolean;
}

const STRING_CHARS = 80;
const LIST_ITEMS = 3;

const isScalar = (value: unknown) => value === null || typeof value !== 'object';

function clip(text: string, chars = STRING_CHARS): Omit<BriefField, 'name'> {
	return text.length > chars ? { text: `${text.slice(0, chars)}…`, whole: false } : { text, whole: true };
}

function fieldText(value: unknown): Omit<BriefField, 'name'> | undefined {
	if (isScalar(value)) return clip(formatScalar(value));
	if (Array.isArray(value) && value.every(isScalar)) {
		if (!value.length) return { text: '(none)', whole: true };
		const shown = value.slice(0, LIST_ITEMS).map((v) => clip(formatScalar(v)));
		const rest = value.length - shown.length;
		return {
			text: shown.map((part) => part.text).join('; ') + (rest ? `; +${rest} more` : ''),
			whole: !rest && shown.every((part) => part.whole)
		};
	}
	return undefined;
}

/**
 * The fields of an item's output, label or score that read well in a table cell, in the value's own
 * order: its scalars and lists of scalars, long text clipped. Nested objects and lists of objects
 * are left to the full view beside it. Given `only` (not empty), those fields
 * and no others, nested ones as clipped JSON: the fields two runs' outputs differ in, say.
 */
export function briefFields(value: unknown, only?: string[]): BriefField[] {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return [{ name: '', ...(fieldText(value) ?? clip(JSON.stringify(value), 160)) }];
	}
	const fields = value as Record<string, unknown>;
	if (only?.length) {
		return only.map((name) => ({
			name,
			...(fields[name] === undefined
				? { text: '(absent)', whole: true }
				: (fieldText(fields[name]) ?? clip(JSON.stringify(fields[name]))))
		}));
	}
	return Object.entries(fields).flatMap(([name, field]) => {
		const text = fieldText(field);
		return text === undefined ? [] : [{ name, ...text }];
	});
}

/** Whether the brief fields show all of a value: then it needs no full view beside them. */
export function showsAll(value: unknown, fields: BriefField[]): boolean {
	const named = typeof value === 'object' && value !== null && !Array.isArray(value);
	return (!named || fields.length === Object.keys(value).length) && fields.every((field) => field.whole);
}
