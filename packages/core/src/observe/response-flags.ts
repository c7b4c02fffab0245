/** Envoy's response flags as they appear in access logs and in the report's `byFlag`. */
export const ResponseFlag = {
  None: '-',
  NoHealthyUpstream: 'UH',
  UpstreamOverflow: 'UO',
  UpstreamConnectionFailure: 'UF',
  UpstreamConnectionTermination: 'UC',
  UpstreamRemoteReset: 'UR',
  UpstreamRequestTimeout: 'UT',
  UpstreamRetryLimitExceeded: 'URX',
  NoRouteFound: 'NR',
  NoClusterFound: 'NC',
  FaultInjected: 'FI',
  DelayInjected: 'DI',
} as const;

export type ResponseFlagCode = (typeof ResponseFlag)[keyof typeof ResponseFlag];

/** What each flag means, spelled out for people reading a report. */
export const responseFlagMeaning: Readonly<Record<ResponseFlagCode, string>> = {
  '-': 'no flag: the upstream answered',
  UH: 'no healthy upstream host',
  UO: 'upstream overflow: a circuit breaker rejected the request',
  UF: 'upstream connection failure',
  UC: 'upstream connection terminated before the response',
  UR: 'upstream remote reset',
  UT: 'upstream request timeout',
  URX: 'retry limit exceeded',
  NR: 'no route found',
  NC: 'no cluster found',
  FI: 'fault injected: abort',
  DI: 'fault injected: delay',
};
