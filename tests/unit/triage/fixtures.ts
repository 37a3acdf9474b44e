import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseEmail } from '../../../src/lib/pipeline/triage/mime';
import type { ParsedEmail } from '../../../src/lib/pipeline/triage/schemas';
import { type DatasetItem, datasetFile } from '../../../src/lib/pipeline/triage/train/dataset';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const DATA_DIR = resolve(ROOT, 'data');

const run = promisify(execFile);

/** Node script of the project, run from the project root; resolves with its output, rejects on a non-zero exit. */
export async function runScript(
	script: string,
	args: string[] = [],
	env: NodeJS.ProcessEnv = {}
): Promise<{ stdout: string; stderr: string }> {
	return run(process.execPath, [resolve(ROOT, 'scripts', script), ...args], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		maxBuffer: 16 << 20
	});
}

let ensured: Promise<void> | undefined;

/**
 * Makes sure the dataset and the trained models exist (`npm run train` writes the data when missing and
 * skips training when up to date; its lock lets parallel test files share one run).
 */
export function ensureArtifacts(): Promise<void> {
	ensured ??= runScript('train.mjs').then(() => undefined);
	return ensured;
}

export type MailKind = 'spam' | 'ham' | 'german' | 'html' | 'oddCharset';

/** How each kind is found in the test split: the first mail that matches, so the choice is stable. */
const kinds: Record<MailKind, (item: DatasetItem, mail: ParsedEmail) => boolean> = {
	spam: (item, mail) => item.label.spam && mail.bodySource === 'text' && mail.body.length > 200,
	ham: (item, mail) => !item.label.spam && item.label.queue !== 'other' && mail.bodySource === 'text' && mail.body.length > 200,
	german: (_, mail) => (mail.body.match(/\b(und|der|die|nicht|ist|mit|für|Sie|Ihre)\b/g) ?? []).length > 15,
	html: (_, mail) => mail.bodySource === 'html',
	oddCharset: (item) => /charset="?(windows-125\d|iso-8859-([2-9]|1\d)|koi8|gb2312|big5|euc-|ks_c)/i.test(item.input.raw)
};

let testSplit: DatasetItem[] | undefined;

/** Every mail of the test split (call `ensureArtifacts` first: it writes the data when missing). */
export function testItems(): DatasetItem[] {
	testSplit ??= readFileSync(datasetFile(DATA_DIR, 'test'), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as DatasetItem);
	return testSplit;
}

/** A real mail of the given kind from the test split, with its label and its parsed form. */
export function testMail(kind: MailKind): DatasetItem & { parsed: ParsedEmail } {
	for (const item of testItems()) {
		const parsed = parseEmail(item.input);
		if (kinds[kind](item, parsed)) return { ...item, parsed };
	}
	throw new Error(`No ${kind} mail in the test split`);
}

/** The spam step's input for a parsed mail, as the pipeline builds it. */
export function spamInput(mail: ParsedEmail) {
	const { subject, body, from, senderDomain, mailer, contentType, hasListHeaders } = mail;
	return { subject, body, from, senderDomain, mailer, contentType, hasListHeaders };
}

/** A body of about one megabyte of plausible text. */
export function megabyteBody(): string {
	return 'Limited offer: buy cheap meds online now, click here for the free trial. '.repeat(14_000);
}
