/**
 * Memoises a function of a text for the last `size` texts it computed. Steps of one pipeline run share work this
 * way (the body is tokenised once for spam, route and similar); a server interleaves many runs at
 * every step, so one run's steps are rarely back to back and a single-entry memo would miss.
 */
export function memoByText<V>(compute: (text: string) => V, size = 16, maxChars = 200_000): (text: string) => V {
	const recent = new Map<string, V>();
	return (text) => {
		// A huge text is computed each time rather than kept: sixteen of them could fill a worker's heap.
		if (text.length > maxChars) return compute(text);
		let value = recent.get(text);
		if (value === undefined) {
			value = compute(text);
			if (recent.size >= size) recent.delete(recent.keys().next().value as string);
			recent.set(text, value);
		}
		return value;
	};
}
