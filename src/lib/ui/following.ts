import type { Attachment } from 'svelte/attachments';

/**
 * Moves a select to `value()` whenever that changes after mount (back and forward, say): options'
 * selected attributes stop moving the selection once the user has chosen. Not at mount, where the
 * select shows its value already, or the option chosen before the page hydrated, which must stay.
 */
export function following(value: () => string): Attachment<HTMLSelectElement> {
	let mounted = false;
	return (select) => {
		const wanted = value();
		if (mounted) select.value = wanted;
		mounted = true;
	};
}
