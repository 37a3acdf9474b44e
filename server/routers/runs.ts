import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { getDb } from '../../db/client';
import {
	changeKinds,
	changedItems,
	hasScoredItems,
	itemFilters,
	itemOrders,
	outcomeCodes,
	outcomeCounts,
	pageRunItems
} from '../../db/queries/items';
import { getRun, listRuns } from '../../db/queries/runs';
import { type Run, runItemSchema, runSchema } from '../../db/schema';
import { errorInfoSchema, traceEntrySchema } from '../../src/lib/pipeline';
import { compareRuns } from '../batch/compare';
import { trainingDataCaveat } from '../batch/dataset';
import { DEFAULT_EXPLAINED_CHANGES, ExplainUnavailableError, explainChanges, explainItem } from '../batch/explain';
import { settleAbandonedRuns } from '../batch/liveness';
import { describeMetric } from '../batch/metrics';
import { registeredPipeline } from '../pipeline';
import { notFoundOn } from '../errors';
import { protectedProcedure, router } from '../trpc';

/** Query and path parameters arrive as numbers, missing or malformed ones as NaN: zod's "received NaN" says nothing. */
const runId = z
	.number({
		error: (issue) => (issue.input === undefined || Number.isNaN(issue.input) ? 'Give a run id (a positive integer)' : undefined)
	})
	.int()
	.positive();
/** Run b against baseline a, and which of their changed items: what comparisons and their explanations take. */
const comparedRuns = {
	a: runId.describe('Baseline run').meta({ examples: [1] }),
	b: runId.describe('Run compared to the baseline').meta({ examples: [2] }),
	kind: z
		.enum(changeKinds)
		.describe('Only changes of this kind (right to wrong, wrong to right, relabelled, other); all kinds when omitted')
		.optional()
};
const page = {
	offset: z.number().int().min(0).default(0).describe('Items to skip'),
	limit: z.number().int().min(1).max(500).default(50).describe('Items per page (at most 500)')
};

const metricSchema = z.object({
	name: z.string(),
	value: z.number(),
	description: z.string().nullable(),
	higherIsBetter: z.boolean().nullable()
});
const confusionSchema = z
	.partialRecord(z.enum(outcomeCodes), z.number().int())
	.describe('Items per outcome code (tp, fp, fn, tn)');
const runDetailSchema = z.object({
	run: runSchema,
	metrics: z.array(metricSchema).describe("The run's metrics with their descriptions, in the order the pipeline reports them"),
	confusion: z.record(z.string(), confusionSchema).describe('One confusion matrix per score field carrying outcome codes'),
	latency: z.array(z.object({ step: z.string(), p50: z.number(), p95: z.number() })).describe('Per-step milliseconds per item'),
	filters: z.array(z.enum(itemFilters)).describe("Item filters this run's scores support"),
	datasetCaveat: z
		.string()
		.nullable()
		.describe(
			"Set when the run's dataset holds items the pipeline's models learnt from: its metrics overstate how it does on unseen items"
		)
});

const sideSchema = z.object({
	label: z.unknown().describe("The item's label in the run's dataset (null when it had none)"),
	output: z.unknown(),
	correct: z.boolean().nullable(),
	error: runItemSchema.shape.error,
	score: runItemSchema.shape.score
});
const comparisonSchema = z.object({
	a: runSchema,
	b: runSchema,
	provenance: z.object({
		sameCommit: z.boolean(),
		eitherDirty: z.boolean(),
		samePipeline: z.boolean(),
		sameContent: z.boolean().describe('Both runs read the same dataset content (sha256)'),
		sameDataset: z.boolean().describe('The same content and as many records: the same items')
	}),
	datasetCaveats: z
		.object({ a: z.string().nullable(), b: z.string().nullable() })
		.describe("Per run, set when its dataset holds items the pipeline's models learnt from (see getRun)"),
	flags: z.array(z.object({ name: z.string(), a: z.unknown(), b: z.unknown() })).describe('Flags whose values differ'),
	metrics: z.array(
		z.object({
			name: z.string(),
			a: z.number().nullable(),
			b: z.number().nullable(),
			delta: z.number().nullable().describe('b - a'),
			higherIsBetter: z.boolean().nullable(),
			description: z.string().nullable(),
			verdict: z.enum(['better', 'worse', 'same', 'incomparable']),
			reason: z
				.string()
				.optional()
				.describe(
					'Why the runs do not compare on this metric: other pipelines, a count over other items, timings of a busy machine'
				)
		})
	),
	counts: z.object({
		rightToWrong: z.number().int(),
		wrongToRight: z.number().int(),
		relabelled: z.number().int().describe("Items whose label changed between the runs' datasets"),
		other: z.number().int(),
		onlyInA: z.number().int(),
		onlyInB: z.number().int()
	}),
	changes: z.array(
		z.object({
			itemId: z.string(),
			line: z.number().int(),
			kind: z.enum(changeKinds),
			a: sideSchema,
			b: sideSchema
		})
	)
});

const codeMatchSchema = z
	.object({
		current: z.object({ commit: z.string(), dirty: z.boolean().nullable() }),
		matchesA: z.boolean().describe("The code running now is run A's recorded commit, without uncommitted changes"),
		matchesB: z.boolean()
	})
	.meta({ id: 'CodeMatch' });
const explainedRunSchema = z.object({
	flags: z.record(z.string(), z.unknown()),
	output: z.unknown(),
	error: errorInfoSchema.nullable(),
	trace: z.array(traceEntrySchema)
});
const explanationSchema = z.object({
	itemId: z.string(),
	line: z.number().int(),
	input: z.unknown(),
	label: z.unknown(),
	a: explainedRunSchema,
	b: explainedRunSchema,
	firstDifference: z
		.object({ index: z.number().int(), step: z.string() })
		.nullable()
		.describe('The first step whose outcome differs'),
	code: codeMatchSchema
});
const changesExplanationSchema = z.object({
	items: z.number().int().describe('Changed items re-run'),
	steps: z
		.array(
			z.object({
				step: z.string(),
				items: z.number().int().describe('Items whose first differing step this is'),
				examples: z.array(z.string()).describe('A few of their ids')
			})
		)
		.describe('Steps at which the items first differ, most items first'),
	noDifference: z.number().int().describe('Items that differ at no step when re-run now (the code or a model changed since)'),
	noDifferenceExamples: z.array(z.string()).describe('A few of their ids'),
	notInDataset: z.number().int().describe('Items no longer in the dataset file'),
	code: codeMatchSchema
});

/** Explanations re-run the code of now: a missing pipeline, dataset or item is a 404 saying which. */
const orNotFound = <T>(explain: () => Promise<T>) => notFoundOn(ExplainUnavailableError, explain);

function requireRun(id: number): Run {
	const run = getRun(getDb(), id);
	if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${id} not found` });
	return run;
}

/** Everything the run page shows besides items; shared by the procedure and the page load. */
export function runDetail(run: Run): z.infer<typeof runDetailSchema> {
	const pipeline = registeredPipeline(run.pipeline);
	const metrics = Object.entries(run.metrics ?? {}).map(([name, value]) => {
		const info = describeMetric(pipeline, name);
		return { name, value, description: info?.description ?? null, higherIsBetter: info?.higherIsBetter ?? null };
	});
	const latency = Object.entries(run.metrics ?? {}).flatMap(([name, p50]) => {
		const step = /^latency\.(.+)\.p50$/.exec(name)?.[1];
		return step ? [{ step, p50, p95: run.metrics?.[`latency.${step}.p95`] ?? p50 }] : [];
	});
	const confusion = outcomeCounts(getDb(), run.id);
	const outcomes = Object.keys(confusion).length ? (['fp', 'fn'] as const) : [];
	// An interrupted or failed run has no metrics, but its items are scored all the same.
	const scored = run.status === 'running' || hasScoredItems(getDb(), run.id);
	return {
		run,
		metrics,
		confusion,
		latency,
		filters: ['all', 'errors', ...(scored ? (['wrong', 'correct'] as const) : []), ...outcomes, 'changed'],
		datasetCaveat: trainingDataCaveat(pipeline, run)
	};
}

const runsTag = { tags: ['runs'] };

/**
 * Stored batch runs: list, inspect, page through items, compare two, explain one changed item. Process
 * bookkeeping (pid, host, heartbeat) is dropped by the output schemas, which strip unknown keys.
 */
export const runsRouter = router({
	// REST matches paths in this order: the fixed /runs/compare, /runs/explain and /runs/explain-changes
	// must precede /runs/{id}.
	list: protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/runs',
				operationId: 'listRuns',
				...runsTag,
				summary: 'List batch runs',
				description: 'Every stored batch run, newest first, with status, progress counts, flags, dataset and metrics.'
			}
		})
		.input(z.void())
		.output(z.array(runSchema))
		.query(() => {
			settleAbandonedRuns(getDb());
			return listRuns(getDb());
		}),

	compare: protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/runs/compare',
				operationId: 'compareRuns',
				...runsTag,
				summary: 'Compare two runs',
				description:
					'Run b against baseline a: metric deltas (with whether each is better or worse), flag and code differences, counts of changed items and a page of them with both outputs.'
			}
		})
		.input(z.object({ ...comparedRuns, ...page }))
		.output(comparisonSchema)
		.query(({ input }) => {
			return compareRuns(getDb(), requireRun(input.a), requireRun(input.b), input);
		}),

	explain: protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/runs/explain',
				operationId: 'explainRunItem',
				...runsTag,
				summary: 'Explain why an item differs between two runs',
				description:
					"Re-runs the item under both runs' flags with debug on, using the code running now, and names the first step whose output differs. `code` says whether the code now is the runs' recorded commit."
			}
		})
		.input(
			z.object({
				a: runId.describe('One run of the item').meta({ examples: [1] }),
				b: runId.describe('The other run of the item').meta({ examples: [2] }),
				item: z.string().min(1).describe('Item id')
			})
		)
		.output(explanationSchema)
		.query(({ input }) => orNotFound(() => explainItem(requireRun(input.a), requireRun(input.b), input.item))),

	explainChanges: protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/runs/explain-changes',
				operationId: 'explainRunChanges',
				...runsTag,
				summary: 'Find which steps caused the changes between two runs',
				description:
					"Re-runs the first `limit` changed items (of one kind, if given) as /runs/explain does, with the code running now, and counts them by the first step whose output differs, most items first. `code` says whether the code now is the runs' recorded commit."
			}
		})
		.input(
			z.object({
				...comparedRuns,
				limit: z
					.number()
					.int()
					.min(1)
					.max(1000)
					.default(DEFAULT_EXPLAINED_CHANGES)
					.describe('Changed items to re-run, in dataset order (at most 1,000)')
			})
		)
		.output(changesExplanationSchema)
		.query(({ input }) => {
			const [a, b] = [requireRun(input.a), requireRun(input.b)];
			const changed = changedItems(getDb(), a.id, b.id, { kind: input.kind, offset: 0, limit: input.limit });
			return orNotFound(() =>
				explainChanges(
					a,
					b,
					changed.map((item) => item.itemId)
				)
			);
		}),

	get: protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/runs/{id}',
				operationId: 'getRun',
				...runsTag,
				summary: 'Get one batch run',
				description: 'The run with its metrics described, confusion matrices, per-step latency and the item filters it supports.'
			}
		})
		.input(z.object({ id: runId.describe('Run id').meta({ examples: [1] }) }))
		.output(runDetailSchema)
		.query(({ input }) => {
			settleAbandonedRuns(getDb());
			return runDetail(requireRun(input.id));
		}),

	items: protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/runs/{id}/items',
				operationId: 'listRunItems',
				...runsTag,
				summary: 'Page through the items of a run',
				description:
					'Items in dataset order, or slowest first. Filters: errors, wrong, correct, fp / fn (items whose score carries that outcome code), changed (differs from the same item in run `against`).'
			}
		})
		.input(
			z
				.object({
					id: runId.describe('Run id').meta({ examples: [1] }),
					filter: z
						.enum(itemFilters)
						.default('all')
						.describe(
							'Which items: all, errors, wrong, correct, fp (false positives), fn (false negatives), or changed (against the run `against`); the run page offers those its items have'
						),
					order: z
						.enum(itemOrders)
						.default('line')
						.describe('line: dataset order; slowest: the items the pipeline took longest on first'),
					against: runId
						.describe('The run `changed` compares against')
						.meta({ examples: [2] })
						.optional(),
					...page
				})
				.refine((query) => query.filter !== 'changed' || query.against !== undefined, {
					message: 'filter "changed" needs the run to compare against in "against"',
					path: ['against']
				})
		)
		.output(
			z.object({ items: z.array(runItemSchema), total: z.number().int(), offset: z.number().int(), limit: z.number().int() })
		)
		.query(({ input }) => {
			requireRun(input.id);
			if (input.against !== undefined) requireRun(input.against);
			return { ...pageRunItems(getDb(), input.id, input), offset: input.offset, limit: input.limit };
		})
});
