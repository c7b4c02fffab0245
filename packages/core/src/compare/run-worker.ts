// The worker threads' entry: tinypool calls the default export with each job.
import { runJob } from './run-job.js';

export default runJob;
