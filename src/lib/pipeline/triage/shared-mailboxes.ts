/**
 * Mailbox providers whose one domain serves millions of unrelated people: a spammer among them says
 * nothing of the next sender. The corpus's ham comes mostly from mailing lists, so some of these
 * (msn.com, netscape.net, juno.com, ...) are seen in spam only and would otherwise be blocked outright.
 */
const SHARED_MAILBOX_DOMAINS = new Set(
	`163.com 126.com altavista.com aol.com att.net bellsouth.net btinternet.com comcast.net
	compuserve.com earthlink.net email.com excite.com gmail.com gmx.de gmx.net googlemail.com
	hotmail.co.uk hotmail.com icloud.com iname.com juno.com live.com lycos.com mac.com mail.com
	mail.ru me.com mindspring.com msn.com netscape.com netscape.net netzero.net outlook.com
	prodigy.net qq.com rediffmail.com rocketmail.com sina.com usa.net verizon.net web.de yahoo.ca
	yahoo.co.uk yahoo.com yahoo.fr yandex.ru ymail.com`.split(/\s+/)
);

/** Whether a (normalised) domain is a shared mailbox provider's: never blocklisted, whatever its senders did. */
export function isSharedMailboxDomain(domain: string): boolean {
	return SHARED_MAILBOX_DOMAINS.has(domain);
}
