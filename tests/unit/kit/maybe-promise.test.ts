import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, andThen, defineStep, recover, runStepNow } from '../../../src/lib/pipeline/kit';

describe('andThen and recover', () => {
	it('answer now for a value and later for a promise', async () => {
		expect(andThen(2, (n) => n * 3)).toBe(6);
		const later = andThen(Promise.resolve(2), (n) => n * 3);
		expect(later).toBeInstanceOf(Promise);
		expect(await later).toBe(6);
	});

	it('hand a throw now, or a rejection later, to the error handler in the same way', async () => {
		const onError = (error: unknown) => `handled ${(error as Error).message}`;
		expect(recover(() => 'fine', onError)).toBe('fine');
		expect(
			recover(() => {
				throw new Error('now');
			}, onError)
		).toBe('handled now');
		expect(await recover(() => Promise.reject(new Error('later')), onError)).toBe('handled later');
		expect(() =>
			recover(
				() => {
					throw new Error('now');
				},
				(error) => {
					throw error;
				}
			)
		).toThrow('now');
	});
});

describe('runStepNow', () => {
	const double = defineStep({
		name: 'double',
		description: 'Doubles a number.',
		input: z.object({ n: z.number() }),
		output: z.object({ n: z.number() }),
		run: ({ n }) => ({ output: { n: n * 2 } })
	});
	const slowDouble = defineStep({ ...double, name: 'slowDouble', run: async ({ n }) => ({ output: { n: n * 2 } }) });

	it('answers a loaded synchronous step without a promise, and a first or asynchronous run with one', async () => {
		const first = runStepNow(double, { n: 2 });
		expect(first).toBeInstanceOf(Promise);
		expect((await first).output).toEqual({ n: 4 });
		const now = runStepNow(double, { n: 3 });
		expect(now).not.toBeInstanceOf(Promise);
		expect((now as Awaited<typeof now>).output).toEqual({ n: 6 });
		await runStepNow(slowDouble, { n: 1 });
		const later = runStepNow(slowDouble, { n: 5 });
		expect(later).toBeInstanceOf(Promise);
		expect((await later).output).toEqual({ n: 10 });
	});

	it('throws invalid input now once loaded, as runStep rejects with it', async () => {
		await runStepNow(double, { n: 1 });
		expect(() => runStepNow(double, { n: 'x' })).toThrow(InputError);
	});
});
