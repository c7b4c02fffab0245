// fast-check arbitraries for meshsim: valid Istio resources and Scenario documents (as the YAML
// writes them, before defaults), deliberately invalid variants for validator tests, and the
// simulations the engine runs today. Serialize any of them with `toYaml` from '@meshsim/scenarios'.
export {
  type ClientTlsInput,
  type ConnectionPoolInput,
  clientTls,
  connectionPool,
  destinationRule,
  istioApiVersion,
  type LoadBalancerInput,
  loadBalancer,
  type OutlierDetectionInput,
  outlierDetection,
  type TrafficPolicyInput,
  trafficPolicy,
} from './destination-rule.js';
export { endpointBehaviour, latency, runnableEndpoint } from './endpoint.js';
export { type InvalidDocument, invalid } from './invalid.js';
export {
  count,
  duration,
  hostname,
  httpMethod,
  httpPath,
  httpStatus,
  ipv4,
  locality,
  objectName,
  rps,
  share,
} from './primitives.js';
export {
  phaseLabel,
  runnableSimulation,
  type ScenarioConstraints,
  scenarioDocument,
  timelineEntry,
} from './scenario.js';
export {
  RESOLUTIONS,
  type Resolution,
  type ServicePortInput,
  type ServicePortProtocol,
  serviceEntry,
  servicePorts,
  staticEndpoints,
  type WorkloadEntryInput,
} from './service-entry.js';
export { dnsRecord, type RateShapeInput, rateShape, trafficSource } from './traffic.js';
export {
  type HttpFaultInput,
  type HttpRetryInput,
  type HttpRouteInput,
  httpFault,
  httpRetry,
  httpRoute,
  RETRY_ON,
  virtualService,
} from './virtual-service.js';
