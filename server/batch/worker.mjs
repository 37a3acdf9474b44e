// Piscina worker entry. Workers of vitest or of a plain `node` parent have no TypeScript loader, so
// this file registers tsx for the worker before loading the TypeScript task.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { default: evaluateChunk, warmUp } = await import('./evaluate.ts');
// Piscina imports this file when the worker starts: models load before the first chunk arrives.
await warmUp(workerData);

export default evaluateChunk;
