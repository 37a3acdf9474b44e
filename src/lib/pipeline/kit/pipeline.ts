import { z } from 'zod';
import { checkExamples, checkFlagDefaults, checkUniqueStepNames } from './definition-checks';
import { InputError, PipelineOutputError, StepError, issuesFromZod } from './errors';
import { type Evaluation, type ItemScore } from './evaluation';
import { type AnyStep, type StepInput, type StepOutput, modelLoader, once, parseStepInput, parseStepOutput } from './step';
import { type StepTiming, type TraceEntry, stepTimingSchema, toErrorInfo, traceEntrySchema } from './trace';

export interface PipelineContext<F> {
	/** Feature flags with defaults filled in. */
	flags: F;
	debug: boolean;
	/** Runs a step through the kit: validated, timed, and traced in debug mode. */
	step: <S extends AnyStep>(step: S, input: StepInput<S>) => Promise<StepOutput<S>>;
	/** Records that a step did not run (e.g. its flag is off), so traces show every step in order. */
	skip: (step: AnyStep, reason: string) => void;
}

export interface PipelineExample<I, F, L> {
	name: string;
	input: I;
	flags?: Partial<F>;
	label?: L;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- flags are any object schema
type FlagsSchema = z.ZodObject<any>;

export interface PipelineDefinition<
	I extends z.ZodType,
	O extends z.ZodType,
	F extends FlagsSchema,
	L extends z.ZodType,
	Score extends ItemScore = ItemScore,
	S extends readonly AnyStep[] = readonly AnyStep[]
> {
	name: string;
	description: string;
	version: string;
	input: I;
	output: O;
	/** Every flag has a default and a description. */
	flags: F;
	label?: L;
	evaluation?: Evaluation<z.output<O>, z.output<L>, Score>;
	/**
	 * Names of the datasets holding items the pipeline's models learnt from: a batch run on one is marked
	 * on its own homework, and its pages and report say so.
	 */
	trainedOn?: readonly string[];
	/** The steps in the order they run; the manifest, API and UI list them from here. */
	steps: S;
	examples?: PipelineExample<z.input<I>, z.input<F>, z.input<L>>[];
	/** A short title for an input in lists (sample pickers, batch items); cheap, never throws. */
	summarize?: (input: z.input<I>) => ItemSummary;
	/** Extra resources the composition needs besides its steps' own. */
	load?: () => Promise<void>;
	run: (input: z.output<I>, ctx: PipelineContext<z.output<F>>) => Promise<z.output<O>>;
}

export interface Pipeline<
	I extends z.ZodType = z.ZodType,
	O extends z.ZodType = z.ZodType,
	F extends FlagsSchema = FlagsSchema,
	L extends z.ZodType = z.ZodType,
	Score extends ItemScore = ItemScore,
	S extends readonly AnyStep[] = readonly AnyStep[]
> extends PipelineDefinition<I, O, F, L, Score, S> {
	/** Loads every step's resources once. */
	load: () => Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pipeline of any schemas, for registries
export type AnyPipeline = Pipeline<any, any, any, any, any, readonly AnyStep[]>;
/** The steps of a pipeline by name, with their full types (for deriving typed procedures). */
export type PipelineSteps<P extends AnyPipeline> = { [St in P['steps'][number] as St['name']]: St };
export type PipelineInput<P extends AnyPipeline> = z.input<P['input']>;
export type PipelineOutput<P extends AnyPipeline> = z.output<P['output']>;
export type PipelineFlags<P extends AnyPipeline> = z.output<P['flags']>;
export type PipelineLabel<P extends AnyPipeline> = z.output<NonNullable<P['label']>>;

export function definePipeline<
	I extends z.ZodType,
	O extends z.ZodType,
	F extends FlagsSchema,
	L extends z.ZodType = z.ZodNever,
	Score extends ItemScore = ItemScore,
	const S extends readonly AnyStep[] = readonly AnyStep[]
>(definition: PipelineDefinition<I, O, F, L, Score, S>): Pipeline<I, O, F, L, Score, S> {
	const owner = `Pipeline "${definition.name}"`;
	checkUniqueStepNames(definition.name, definition.steps);
	checkFlagDefaults(definition.name, definition.flags);
	const examples = definition.examples ?? [];
	checkExamples(
		owner,
		'input',
		definition.input,
		examples.map((example) => example.input)
	);
	checkExamples(
		owner,
		'set of flags',
		definition.flags.strict(),
		examples.map((example) => example.flags ?? {})
	);
	if (definition.label) {
		const labelled = examples.filter((example) => example.label !== undefined).map((example) => example.label);
		checkExamples(owner, 'label', definition.label, labelled);
	}
	const ownLoad = modelLoader(undefined, definition.load);
	const load = once(async () => {
		await Promise.all(definition.steps.map((step) => step.load()));
		await ownLoad();
	});
	return { ...definition, load };
}

export interface ItemSummary {
	title: string;
	subtitle?: string;
}

export interface RunOptions {
	/** Partial flags; missing ones take their defaults, unknown ones are rejected. */
	flags?: unknown;
	debug?: boolean;
}

export interface PipelineRun<P extends AnyPipeline> {
	output: PipelineOutput<P>;
	flags: PipelineFlags<P>;
	timings: StepTiming[];
	trace?: TraceEntry[];
	durationMs: number;
}

/** The response shape of a pipeline run, for API output validation and documentation. */
export function pipelineRunSchema<P extends AnyPipeline>(pipeline: P) {
	return z.object({
		output: pipeline.output as P['output'],
		flags: pipeline.flags as P['flags'],
		timings: z.array(stepTimingSchema),
		trace: z.array(traceEntrySchema).optional(),
		durationMs: z.number()
	});
}

const strictFlags = new WeakMap<AnyPipeline, z.ZodType>();

/** Fills in flag defaults; rejects unknown flags and wrong types with the flag's path. */
export function resolveFlags<P extends AnyPipeline>(pipeline: P, flags: unknown = {}): PipelineFlags<P> {
	let schema = strictFlags.get(pipeline);
	if (!schema) {
		schema = pipeline.flags.strict() as z.ZodType;
		strictFlags.set(pipeline, schema);
	}
	const parsed = schema.safeParse(flags ?? {});
	if (!parsed.success) throw new InputError(issuesFromZod(parsed.error, ['flags']));
	return parsed.data as PipelineFlags<P>;
}

export function parsePipelineInput<P extends AnyPipeline>(pipeline: P, input: unknown): z.output<P['input']> {
	const parsed = pipeline.input.safeParse(input);
	if (!parsed.success) throw new InputError(issuesFromZod(parsed.error, ['input']));
	return parsed.data as z.output<P['input']>;
}

/**
 * Runs the composed pipeline. Input and flags errors throw `InputError`; a failing step throws
 * `StepError` carrying the trace so far (debug mode).
 */
export async function runPipeline<P extends AnyPipeline>(
	pipeline: P,
	input: unknown,
	options: RunOptions = {}
): Promise<PipelineRun<P>> {
	const debug = options.debug ?? false;
	const parsedInput = parsePipelineInput(pipeline, input);
	const flags = resolveFlags(pipeline, options.flags);
	await pipeline.load();

	const started = performance.now();
	const timings: StepTiming[] = [];
	const trace: TraceEntry[] = [];
	const elapsed = () => performance.now() - started;

	const ctx: PipelineContext<PipelineFlags<P>> = {
		flags,
		debug,
		async step(step, stepInput) {
			// Unlisted, it would never load, and the API and pages would not know it.
			if (!pipeline.steps.includes(step))
				throw new Error(`Step "${step.name}" is run by pipeline "${pipeline.name}" but missing from its steps: add it there`);
			const startMs = elapsed();
			let parsed: unknown = stepInput;
			try {
				parsed = parseStepInput(step, stepInput, [step.name, 'input']);
				const result = await step.run(parsed, { debug });
				const output = parseStepOutput(step, result.output);
				const durationMs = elapsed() - startMs;
				timings.push({ step: step.name, ms: durationMs });
				if (debug) trace.push({ step: step.name, status: 'ok', startMs, input: parsed, output, debug: result.debug, durationMs });
				return output;
			} catch (error) {
				const durationMs = elapsed() - startMs;
				timings.push({ step: step.name, ms: durationMs });
				if (debug)
					trace.push({ step: step.name, status: 'error', startMs, input: parsed, error: toErrorInfo(error), durationMs });
				throw error instanceof StepError ? error : new StepError(step.name, error, debug ? trace : undefined);
			}
		},
		skip(step, reason) {
			if (debug) trace.push({ step: step.name, status: 'skipped', startMs: elapsed(), reason });
		}
	};

	const rawOutput = await pipeline.run(parsedInput, ctx);
	const parsedOutput = pipeline.output.safeParse(rawOutput);
	if (!parsedOutput.success)
		throw new PipelineOutputError(pipeline.name, issuesFromZod(parsedOutput.error, ['output']), debug ? trace : undefined);
	if (debug) traceUntouchedSteps(pipeline, trace, elapsed());
	const durationMs = elapsed();
	return debug
		? { output: parsedOutput.data, flags, timings, trace, durationMs }
		: { output: parsedOutput.data, flags, timings, durationMs };
}

/** A step the run neither ran nor skipped still gets its entry, saying so, rather than looking as if an earlier step had failed. */
function traceUntouchedSteps(pipeline: AnyPipeline, trace: TraceEntry[], startMs: number): void {
	const traced = new Set(trace.map((entry) => entry.step));
	for (const step of pipeline.steps)
		if (!traced.has(step.name)) trace.push({ step: step.name, status: 'skipped', startMs, reason: 'not run on this input' });
}
