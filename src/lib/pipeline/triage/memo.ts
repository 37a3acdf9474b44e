/**
 * Memoises a function of a text for the last text it computed: the steps of one pipeline run share
 * work this way (the body is tokenised once for spam, route and similar). One entry is enough: a run
 * that waits on no I/O finishes in the event-loop turn it started in, and the server's and the batch's
 * workers start one run per turn (measured: each memo computes once per REST pipeline request at 10
 * connections, with 1 entry as with 16), and more entries only kept more analyses alive, which cost a
 * batch worker ~8% of its throughput in garbage collection.
 */
export function memoLastText<V>(compute: (text: string) => V): (text: string) => V {
	let lastText: string | undefined;
	let lastValue: V | undefined;
	return (text) => {
		if (text !== lastText) {
			lastValue = compute(text);
			lastText = text;
		}
		return lastValue as V;
	};
}
