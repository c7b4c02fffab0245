import { GRPC_STATUS_NAMES } from '../../envoy/grpc-status.js';
import { type ErrorRate, StreamEnd } from '../../world/endpoint-server.js';
import type { EndpointError } from '../resources/schema/scenario-endpoint.js';

/** The Scenario's failure modes as the server draws them: gRPC status names become their codes, resets their kinds. */
export function errorRatesOf(errors: readonly EndpointError[] | undefined): ErrorRate[] {
  return (errors ?? []).map((e) => {
    const out: ErrorRate = { status: e.status ?? 200, rate: e.rate };
    if (e.grpcStatus !== undefined) {
      out.grpcStatus = GRPC_STATUS_NAMES.indexOf(e.grpcStatus);
      out.inTrailers = e.inTrailers === true;
    }
    if (e.reset !== undefined)
      out.reset = e.reset === 'refused-stream' ? StreamEnd.Refused : StreamEnd.ResetAfterHeaders;
    if (e.envoyRateLimited === true) out.envoyRateLimited = true;
    return out;
  });
}
