import { fail, redirect } from '@sveltejs/kit';
import { getApp } from '$server/app';
import { SESSION_COOKIE, SESSION_SECONDS } from '$server/auth';
import { localPath, sessionCookieOptions } from '$server/http/page-access';
import type { Actions, PageServerLoad } from './$types';

export const load = (({ url, locals }) => {
	const next = localPath(url.searchParams.get('next'), url);
	// Nothing to sign in to on an open server, nothing more to do once signed in.
	if (!getApp().sessions || locals.signedIn) redirect(303, next);
	return { next };
}) satisfies PageServerLoad;

export const actions = {
	in: async ({ request, url, cookies }) => {
		const { sessions } = getApp();
		const form = await request.formData();
		const next = localPath(form.get('next')?.toString(), url);
		if (!sessions) redirect(303, next);
		const token = sessions.signIn(form.get('key')?.toString() ?? '');
		if (!token) return fail(400, { next, error: 'That is not the API key this server was started with.' });
		// HttpOnly: page scripts never see it.
		cookies.set(SESSION_COOKIE, token, { ...sessionCookieOptions(url), maxAge: SESSION_SECONDS });
		redirect(303, next);
	},
	out: ({ cookies, url }) => {
		cookies.delete(SESSION_COOKIE, sessionCookieOptions(url));
		redirect(303, '/signin');
	}
} satisfies Actions;
