import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type TestServer, startTestServer } from '../setup/server';

let server: TestServer | undefined;
afterEach(() => server?.stop());

const BODY = JSON.stringify({ input: {} });

/** A REST call whose body is only half sent: a request in flight for as long as the test holds it. */
async function heldRequest(baseUrl: string): Promise<{ socket: Socket; finish: () => Promise<string> }> {
	const { hostname, port } = new URL(baseUrl);
	const socket = connect(Number(port), hostname);
	await once(socket, 'connect');
	let answer = '';
	socket.setEncoding('utf8').on('data', (chunk) => (answer += chunk));
	socket.write(
		`POST /api/v1/pipeline HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY.slice(0, 5)}`
	);
	return {
		socket,
		finish: async () => {
			socket.end(BODY.slice(5));
			await once(socket, 'close');
			return answer;
		}
	};
}

const refusesConnections = (baseUrl: string) =>
	fetch(`${baseUrl}/api/v1/health`).then(
		() => false,
		() => true
	);

describe('stopping the server', () => {
	it('on SIGTERM, refuses new connections, answers the requests in flight, then exits', async () => {
		server = await startTestServer({ buildDir: inject('buildDir') });
		const held = await heldRequest(server.baseUrl);
		process.kill(server.pid, 'SIGTERM');
		await expect.poll(() => refusesConnections(server!.baseUrl)).toBe(true);
		await expect.poll(() => server!.output()).toContain('SIGTERM: finishing requests in flight');
		const answer = await held.finish();
		expect(answer).toMatch(/^HTTP\/1\.1 400 /);
		expect(answer).toContain('"input');
		expect(await server.exited).toBe(0);
	});

	it('takes the copies of one Ctrl-C (the terminal, npm and `npm start` each send it) as one signal', async () => {
		server = await startTestServer({ buildDir: inject('buildDir') });
		const held = await heldRequest(server.baseUrl);
		// Apart, as they arrive: signals sent at once can reach the process as one.
		for (let i = 0; i < 3; i++) {
			process.kill(server.pid, 'SIGINT');
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		await expect.poll(() => server!.output()).toContain('SIGINT: finishing requests in flight');
		expect(await held.finish()).toMatch(/^HTTP\/1\.1 400 /);
		expect(await server.exited).toBe(0);
		expect(server.output()).not.toContain('stopping now');
	});

	it('on a second signal, stops at once without waiting for the requests in flight', async () => {
		// Long enough that only the second signal can explain the exit.
		server = await startTestServer({ buildDir: inject('buildDir'), env: { SHUTDOWN_TIMEOUT: '600' } });
		const held = await heldRequest(server.baseUrl);
		process.kill(server.pid, 'SIGTERM');
		await expect.poll(() => server!.output()).toContain('finishing requests in flight');
		// A second Ctrl-C from a person, not a copy of the first one.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		process.kill(server.pid, 'SIGINT');
		expect(await server.exited).toBe(130);
		expect(server.output()).toContain('SIGINT again: stopping now');
		held.socket.destroy();
	});
});
