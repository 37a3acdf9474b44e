import { describe, expect, it } from 'vitest';
import { oneRunPerTurn } from '../../../server/turns';

/** A run whose awaits settle at once, logging its steps. */
async function busy(name: string, log: string[]): Promise<string> {
	for (const step of [1, 2, 3]) {
		log.push(`${name}${step}`);
		await Promise.resolve();
	}
	return name;
}

describe('oneRunPerTurn', () => {
	it('runs whose awaits settle at once run whole, one after the other, in order', async () => {
		const inTurn = oneRunPerTurn();
		const log: string[] = [];
		const results = await Promise.all(['a', 'b', 'c'].map((name) => inTurn(() => busy(name, log))));
		expect(results).toEqual(['a', 'b', 'c']);
		expect(log).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2', 'c3']);
	});

	it('starts the next run while one waits on a timer (I/O), and passes failures on', async () => {
		const inTurn = oneRunPerTurn();
		const log: string[] = [];
		const waiter = inTurn(async () => {
			log.push('wait');
			await new Promise((resolve) => setTimeout(resolve, 20));
			log.push('woke');
		});
		const failing = inTurn(() => Promise.reject(new Error('boom')));
		const next = inTurn(() => busy('n', log));
		await expect(failing).rejects.toThrow('boom');
		await Promise.all([waiter, next]);
		expect(log).toEqual(['wait', 'n1', 'n2', 'n3', 'woke']);
	});
});
