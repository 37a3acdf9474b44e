import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEmail } from '../mime';
import { type ParsedEmail, triageLabelSchema } from '../schemas';

/** One line of `data/spamassassin-*.jsonl`, as `scripts/data.mjs` writes it. */
export const datasetItemSchema = z.object({
	id: z.string(),
	input: z.object({ raw: z.string() }),
	label: triageLabelSchema
});
export type DatasetItem = z.infer<typeof datasetItemSchema>;

export type Split = 'train' | 'test' | 'all';

export function datasetFile(dataDir: string, split: Split): string {
	return join(dataDir, `spamassassin-${split}.jsonl`);
}

export async function readDataset(file: string): Promise<DatasetItem[]> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`Dataset ${file} is missing: run \`npm run data\``);
		throw error;
	}
	return text
		.split('\n')
		.filter((line) => line.trim())
		.map((line, i) => {
			const parsed = datasetItemSchema.safeParse(JSON.parse(line));
			if (!parsed.success) throw new Error(`${file}:${i + 1}: not a dataset item: ${parsed.error.message}`);
			return parsed.data;
		});
}

/** A training mail read by the pipeline's own parser, so models learn from what the steps will see. */
export interface TrainingMail {
	id: string;
	mail: ParsedEmail;
	label: DatasetItem['label'];
}

export function parseItem(item: DatasetItem): TrainingMail {
	return { id: item.id, mail: parseEmail(item.input), label: item.label };
}
