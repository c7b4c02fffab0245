// The worker threads' entry: tinypool calls the default export with each job.
import { runJobOutcome } from './run-job.js';

export default runJobOutcome;
