/**
 * The values a form's controls are bound to. Each starts as given and is reset when its given value
 * changes (another sample, going back), not whenever the page's data reloads with the same value (the
 * sample picker searching, a live refresh): what the user typed since stays. Bound, not set one way:
 * hydration writes a one-way value back over whatever was typed into the server-rendered form before
 * the page's scripts ran.
 */
export function heldValues<V>(given: () => Record<string, V>): Record<string, V> {
	let last = given();
	const held = $state({ ...last });
	$effect.pre(() => {
		const next = given();
		for (const [name, value] of Object.entries(next)) if (value !== last[name]) held[name] = value;
		last = next;
	});
	return held;
}
