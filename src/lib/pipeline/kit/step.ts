import { z } from 'zod';
import { checkExamples, checkStepName } from './definition-checks';
import { InputError, LoadError, OutputError, StepError, issuesFromZod } from './errors';
import { type MaybePromise, andThen, recover } from './maybe-promise';

export interface StepContext {
	/** When false the step must not spend time on debug information. */
	debug: boolean;
}

export interface StepReturn<O, D> {
	output: O;
	debug?: D;
}

export interface StepDefinition<I extends z.ZodType, O extends z.ZodType, D extends z.ZodType, N extends string = string> {
	/** Stable identifier (lower camelCase): used in URLs, REST paths, procedure names, traces and timings. */
	name: N;
	/** One line, shown in the UI and the API documentation. */
	description: string;
	input: I;
	output: O;
	/** Schema of the debug information; its fields may carry display hints (see `display`). */
	debug?: D;
	/** Realistic inputs for documentation, the UI and tests. */
	examples?: z.input<I>[];
	/** Loads models or other resources once; called before the first run. */
	load?: () => Promise<void>;
	run: (
		input: z.output<I>,
		ctx: StepContext
	) => StepReturn<z.output<O>, z.output<D>> | Promise<StepReturn<z.output<O>, z.output<D>>>;
}

export interface Step<
	I extends z.ZodType = z.ZodType,
	O extends z.ZodType = z.ZodType,
	D extends z.ZodType = z.ZodType,
	N extends string = string
> extends StepDefinition<I, O, D, N> {
	load: () => Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a step of any schemas, for registries
export type AnyStep = Step<any, any, any, string>;
export type StepInput<S extends AnyStep> = z.input<S['input']>;
export type StepOutput<S extends AnyStep> = z.output<S['output']>;
export type StepDebug<S extends AnyStep> = z.output<NonNullable<S['debug']>>;

/** Memoises an async loader so concurrent callers share one load, and a failed load can be retried. */
export function once(load?: () => Promise<void>): () => Promise<void> {
	let pending: Promise<void> | undefined;
	return () => {
		pending ??= (load ? load() : Promise.resolve()).catch((error: unknown) => {
			pending = undefined;
			throw error;
		});
		return pending;
	};
}

/**
 * A step's load (without a name, the pipeline's own): run once for all callers, tried again after a
 * failure, which is a LoadError whatever went wrong.
 */
export function modelLoader(step: string | undefined, load: (() => Promise<void>) | undefined): () => Promise<void> {
	return once(async () => {
		try {
			await load?.();
		} catch (cause) {
			throw new LoadError(step, cause);
		}
	});
}

/**
 * A step's input as callers send it: an object refuses keys it does not know, as the pipeline's flags
 * do, since a misspelt option (`"K"` for `"k"`) would otherwise be dropped and the step run with its
 * default. Inside the pipeline a step still takes the wider objects the steps before it hand on.
 */
export function strictInput(schema: z.ZodType): z.ZodType {
	return schema instanceof z.ZodObject ? schema.strict() : schema;
}

export function defineStep<
	I extends z.ZodType,
	O extends z.ZodType,
	D extends z.ZodType = z.ZodUndefined,
	const N extends string = string
>(definition: StepDefinition<I, O, D, N>): Step<I, O, D, N> {
	checkStepName(definition.name);
	checkExamples(`Step "${definition.name}"`, 'input', definition.input, definition.examples);
	return { ...definition, load: modelLoader(definition.name, definition.load) };
}

export function parseStepInput<S extends AnyStep>(step: S, input: unknown, path: (string | number)[] = ['input']) {
	const parsed = step.input.safeParse(input);
	if (!parsed.success) throw new InputError(issuesFromZod(parsed.error, path));
	return parsed.data as z.output<S['input']>;
}

export function parseStepOutput<S extends AnyStep>(step: S, output: unknown): StepOutput<S> {
	const parsed = step.output.safeParse(output);
	if (!parsed.success) throw new OutputError(step.name, issuesFromZod(parsed.error, ['output']));
	return parsed.data as StepOutput<S>;
}

export interface StepRun<S extends AnyStep> {
	output: StepOutput<S>;
	debug?: StepDebug<S>;
	durationMs: number;
}

const loadedSteps = new WeakSet<AnyStep>();

/**
 * runStep, answering without a promise when it can: a loaded step whose `run` is synchronous runs to
 * the end now (see MaybePromise). Throws now what runStep would reject with.
 */
export function runStepNow<S extends AnyStep>(
	step: S,
	input: unknown,
	options: { debug?: boolean } = {}
): MaybePromise<StepRun<S>> {
	if (!loadedSteps.has(step))
		return step.load().then(() => {
			loadedSteps.add(step);
			return runStepNow(step, input, options);
		});
	const debug = options.debug ?? false;
	const parsed = parseStepInput(step, input);
	const started = performance.now();
	return andThen(step.run(parsed, { debug }), (result): StepRun<S> => {
		const durationMs = performance.now() - started;
		const output = parseStepOutput(step, result.output);
		return debug ? { output, debug: result.debug as StepDebug<S>, durationMs } : { output, durationMs };
	});
}

/** Runs one step alone: validates its input and output, and returns debug information when asked. */
/**
 * runStepNow as a caller of the step alone sees it: bad input, a broken output contract and models that
 * did not load keep their classes; anything else the step threw is the step failing on this input
 * (StepError), told apart from failures around the step (a worker lost, say), which stay bugs.
 */
export function runStepForCaller<S extends AnyStep>(
	step: S,
	input: unknown,
	options: { debug?: boolean } = {}
): MaybePromise<StepRun<S>> {
	return recover(
		() => runStepNow(step, input, options),
		(error) => {
			if (error instanceof InputError || error instanceof OutputError || error instanceof LoadError) throw error;
			throw new StepError(step.name, error);
		}
	);
}

export async function runStep<S extends AnyStep>(
	step: S,
	input: unknown,
	options: { debug?: boolean } = {}
): Promise<StepRun<S>> {
	return runStepNow(step, input, options);
}
