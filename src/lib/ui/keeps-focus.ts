import type { Attachment } from 'svelte/attachments';

/**
 * For a pager whose links come and go: when the link holding the keyboard focus disappears (Next, on
 * reaching the last page), the focus would fall to the page's top. It goes to the pager's first
 * remaining link instead, or to the pager itself (give it `tabindex="-1"`).
 */
export const keepsFocus: Attachment<HTMLElement> = (node) => {
	let inside = false;
	const focusIn = () => (inside = true);
	const focusOut = (event: FocusEvent) => {
		const left = event.target as Element;
		// A browser may report the removal of the focused link as a focus-out to nowhere: still inside.
		queueMicrotask(() => (inside = node.contains(document.activeElement) || !left.isConnected));
	};
	const observer = new MutationObserver(() => {
		if (!inside || (document.activeElement && document.activeElement !== document.body)) return;
		(node.querySelector<HTMLElement>('a[href], button') ?? node).focus();
	});
	node.addEventListener('focusin', focusIn);
	node.addEventListener('focusout', focusOut);
	observer.observe(node, { childList: true, subtree: true });
	return () => {
		observer.disconnect();
		node.removeEventListener('focusin', focusIn);
		node.removeEventListener('focusout', focusOut);
	};
};
