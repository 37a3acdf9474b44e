/**
 * Display hints a step attaches to fields of its debug schema with `.meta(...)`. They travel in the
 * JSON Schema of the manifest under `x-display`, so a UI can render a field without knowing the step.
 */
export type DisplayHint =
	/** Array of `{ start, end, label }` character spans over the text at `textField` of the step input. */
	| { kind: 'spans'; textField: string }
	/** Array of row objects, already ranked; `columns` picks and orders the columns shown. */
	| { kind: 'table'; columns?: string[] }
	/** Record of label -> number (scores, probabilities), drawn as horizontal bars. */
	| { kind: 'bars'; max?: number }
	/** Record of name -> scalar, drawn as a two-column key/value table. */
	| { kind: 'keyValue' }
	/**
	 * On a string column of a table's rows: the id of an item of the dataset so named (as batch runs and
	 * the sample picker name them), which the pages link to that item's debug run.
	 */
	| { kind: 'itemId'; dataset: string };

export const DISPLAY_KEY = 'x-display';

export const display = {
	spans: (textField: string) => ({ [DISPLAY_KEY]: { kind: 'spans', textField } satisfies DisplayHint }),
	table: (columns?: string[]) => ({ [DISPLAY_KEY]: { kind: 'table', columns } satisfies DisplayHint }),
	bars: (max?: number) => ({ [DISPLAY_KEY]: { kind: 'bars', max } satisfies DisplayHint }),
	keyValue: () => ({ [DISPLAY_KEY]: { kind: 'keyValue' } satisfies DisplayHint }),
	itemId: (dataset: string) => ({ [DISPLAY_KEY]: { kind: 'itemId', dataset } satisfies DisplayHint })
};
