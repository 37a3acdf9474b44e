import { z } from 'zod';
import type { AnyPipeline } from './pipeline';
import { type AnyStep, strictInput } from './step';

/** A JSON Schema document (draft 2020-12) as produced by `z.toJSONSchema`. */
export const jsonSchemaSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof jsonSchemaSchema>;

export const stepManifestSchema = z.object({
	name: z.string(),
	description: z.string(),
	input: jsonSchemaSchema,
	output: jsonSchemaSchema,
	debug: jsonSchemaSchema.nullable(),
	examples: z.array(z.unknown())
});
export type StepManifest = z.infer<typeof stepManifestSchema>;

export const manifestSchema = z.object({
	name: z.string(),
	description: z.string(),
	version: z.string(),
	input: jsonSchemaSchema,
	output: jsonSchemaSchema,
	flags: jsonSchemaSchema,
	label: jsonSchemaSchema.nullable(),
	steps: z.array(stepManifestSchema),
	examples: z.array(
		z.object({ name: z.string(), input: z.unknown(), flags: z.unknown().optional(), label: z.unknown().optional() })
	),
	metrics: z.record(z.string(), z.object({ description: z.string(), higherIsBetter: z.boolean().nullable() })),
	primaryMetric: z.string().nullable()
});
export type Manifest = z.infer<typeof manifestSchema>;

/**
 * Inputs are documented as callers write them (defaults optional, unknown keys refused as the API
 * refuses them), outputs as the pipeline returns them.
 * Transforms and other unrepresentable parts degrade to "any" instead of throwing.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
	return z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
}

export function stepManifest(step: AnyStep): StepManifest {
	return {
		name: step.name,
		description: step.description,
		input: toJsonSchema(strictInput(step.input), 'input'),
		output: toJsonSchema(step.output, 'output'),
		debug: step.debug ? toJsonSchema(step.debug, 'output') : null,
		examples: step.examples ?? []
	};
}

const cache = new WeakMap<AnyPipeline, Manifest>();

/** Everything a client needs to drive a pipeline it has never seen: schemas, steps, flags, examples. */
export function manifest(pipeline: AnyPipeline): Manifest {
	const cached = cache.get(pipeline);
	if (cached) return cached;
	const result: Manifest = {
		name: pipeline.name,
		description: pipeline.description,
		version: pipeline.version,
		input: toJsonSchema(pipeline.input, 'input'),
		output: toJsonSchema(pipeline.output, 'output'),
		flags: toJsonSchema(pipeline.flags.strict(), 'input'),
		label: pipeline.label ? toJsonSchema(pipeline.label, 'input') : null,
		steps: pipeline.steps.map(stepManifest),
		examples: pipeline.examples ?? [],
		metrics: pipeline.evaluation?.metrics ?? {},
		primaryMetric: pipeline.evaluation?.primaryMetric ?? null
	};
	cache.set(pipeline, result);
	return result;
}
