// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** A reviewer's valid session cookie came with the request (servers with an API key only). */
			signedIn: boolean;
		}
	}
}

export {};
