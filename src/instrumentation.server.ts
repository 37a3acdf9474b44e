import { readConfig } from '../server/config';

// adapter-node reads BODY_SIZE_LIMIT (512K unless set) before the app loads and would cut bodies off
// below the API's own limit. This file runs first, so the API's CONVINCE_MAX_BODY_BYTES applies.
process.env.BODY_SIZE_LIMIT ??= String(readConfig().maxBodyBytes);
