import { readFileSync } from 'node:fs';
import { tune } from '@meshsim/core';

// examples/flaky-api.yaml: one endpoint of three answers 503 to 30 % of requests. Which outlier
// detection keeps the errors lowest while p99 stays under 300 ms? Six configs, every one on the same
// three seeds (common random numbers), so their differences are the policy's, not the seeds' luck.
export const report = await tune(
  { config: readFileSync('examples/flaky-api.yaml', 'utf8'), duration: '20s' },
  {
    vary: [
      'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..3',
      'spec.trafficPolicy.outlierDetection.baseEjectionTime=5s,30s',
    ],
    objectives: ['minimize errorRate'],
    constraints: ['p99 < 300ms'],
    seeds: 3,
  },
  { threads: 1 }, // runs in this thread; leave it out to use every core
);

const [best] = report.best;
console.log(report.winner?.label, best?.objectives[0]); // the winner, its mean errorRate and interval
console.log(report.winner?.patch); // the DestinationRule to kubectl apply
