import { pipelines as batchFixtures } from '../batch/fixtures/registry';
import { fragile } from './fragile';

/** Pipelines for pool workers in tests: the batch fixtures' (one cannot load its models, one exhausts its heap) and fragile. */
export const pipelines = { ...batchFixtures, fragile };
