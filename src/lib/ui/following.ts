import type { Attachment } from 'svelte/attachments';

/**
 * Moves a select to `value()` when that changes after mount (going back and forward, say): options'
 * selected attributes stop moving the selection once the user has chosen. Not at mount, where the
 * select shows its value already, or the option chosen before the page hydrated; nor when the page's
 * data reloads with the same value (a live refresh), which would undo a choice not yet submitted.
 */
export function following(value: () => string): Attachment<HTMLSelectElement> {
	let last: string | undefined;
	return (select) => {
		const wanted = value();
		if (last !== undefined && wanted !== last) select.value = wanted;
		last = wanted;
	};
}
