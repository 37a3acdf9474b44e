/** A small dataset for the wordcount pipeline, with an item carrying script and image payloads. */
export const WORDCOUNT_DATASET = 'tests/browser/fixtures/wordcount.jsonl';

/**
 * Text that would run script if any of it were treated as HTML: every payload sets `window.__pwned`
 * or opens a dialog, and `<img src=x>` would also log a failed request.
 */
export const HOSTILE_TEXT = [
	`<script>window.__pwned = 'script'; alert('script')</script>`,
	`<img src=x onerror="window.__pwned = 'img'; alert('img')">`,
	`<svg onload="window.__pwned = 'svg'"></svg>`,
	`<a href="javascript:window.__pwned = 'link'">click me</a>`,
	`"><iframe srcdoc="<script>parent.__pwned = 'iframe'</script>"></iframe>`
].join('\n');

/** The same payloads as a raw email: in the subject, the sender and an HTML body. */
export const HOSTILE_MAIL = [
	`From: "<img src=x onerror=alert('from')>" <evil@example.com>`,
	`Subject: <script>alert('subject')</script> win a prize`,
	'Content-Type: text/html; charset=utf-8',
	'',
	`<html><body>${HOSTILE_TEXT}<p>Claim your free prize now!</p></body></html>`
].join('\r\n');
