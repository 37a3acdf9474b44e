// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** A reviewer's valid session cookie came with the request (servers with an API key only). */
			signedIn: boolean;
			/** The status of the page of a broken link (a load sets it, the handle hook answers with it). */
			pageStatus?: number;
		}
	}
}

export {};
