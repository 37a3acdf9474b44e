/** Splits a text into plain and highlighted segments for the `spans` display hint. */

export interface Span {
	start: number;
	end: number;
	label: string;
}

export interface Segment {
	text: string;
	label?: string;
}

export function isSpan(value: unknown): value is Span {
	if (typeof value !== 'object' || value === null) return false;
	const { start, end, label } = value as Record<string, unknown>;
	return typeof start === 'number' && typeof end === 'number' && typeof label === 'string';
}

/**
 * Highlights spans in order; a span overlapping one already shown, or outside `limit` characters, is
 * counted as hidden rather than drawn (nested highlights are unreadable).
 */
export function segments(text: string, spans: Span[], limit = text.length): { segments: Segment[]; hidden: number } {
	const shown = text.slice(0, limit);
	const ordered = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
	const result: Segment[] = [];
	let cursor = 0;
	let hidden = 0;
	for (const span of ordered) {
		const start = Math.max(0, span.start);
		const end = Math.min(shown.length, span.end);
		if (start < cursor || end <= start) {
			hidden++;
			continue;
		}
		if (start > cursor) result.push({ text: shown.slice(cursor, start) });
		result.push({ text: shown.slice(start, end), label: span.label });
		cursor = end;
	}
	if (cursor < shown.length) result.push({ text: shown.slice(cursor) });
	return { segments: result, hidden };
}
