import { fail, redirect } from '@sveltejs/kit';
import { getApp } from '$server/app';
import { SESSION_COOKIE, SESSION_SECONDS } from '$server/auth';
import { localPath } from '$server/http/page-access';
import type { Actions, PageServerLoad } from './$types';

export const load = (({ url, cookies }) => {
	const { sessions } = getApp();
	const next = localPath(url.searchParams.get('next'));
	// Nothing to sign in to on an open server, nothing more to do once signed in.
	if (!sessions || sessions.isValid(cookies.get(SESSION_COOKIE))) redirect(303, next);
	return { next };
}) satisfies PageServerLoad;

export const actions = {
	in: async ({ request, url, cookies }) => {
		const { sessions } = getApp();
		const form = await request.formData();
		const next = localPath(form.get('next')?.toString());
		if (!sessions) redirect(303, next);
		const token = sessions.signIn(form.get('key')?.toString() ?? '');
		if (!token) return fail(400, { next, error: 'That is not the API key this server was started with.' });
		// HttpOnly: page scripts never see it; Secure wherever the site is served over HTTPS.
		cookies.set(SESSION_COOKIE, token, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: url.protocol === 'https:',
			maxAge: SESSION_SECONDS
		});
		redirect(303, next);
	},
	out: ({ cookies }) => {
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/signin');
	}
} satisfies Actions;
