/**
 * A value now, or a promise of it: what a call returns when it answers synchronously whenever it can.
 * Every promise costs CPU, the more once something in the process (SvelteKit's AsyncLocalStorage, on
 * Node 20) has turned Node's promise hooks on; a cheap step served over HTTP shows it.
 */
export type MaybePromise<T> = T | Promise<T>;

function isPromiseLike<T>(value: MaybePromise<T> | PromiseLike<T>): value is PromiseLike<T> {
	return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

/** `next(value)`: now when the value is here, once it resolves when it is a promise. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
	return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}

/**
 * `call()`, with what it throws now or rejects with later handed to `onError`, whose answer (or throw)
 * takes its place the same way: now, or as the promise's outcome.
 */
export function recover<T, R>(call: () => MaybePromise<T>, onError: (error: unknown) => MaybePromise<R>): MaybePromise<T | R> {
	let value: MaybePromise<T>;
	try {
		value = call();
	} catch (error) {
		return onError(error);
	}
	return isPromiseLike(value) ? Promise.resolve(value).catch(onError) : value;
}
