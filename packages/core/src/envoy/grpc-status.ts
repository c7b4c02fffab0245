/** gRPC status codes and Envoy's mappings to and from HTTP (source/common/grpc/status.cc); the names are also the Scenario's and Istio's vocabulary. */

/** The canonical names, indexed by code (0 OK … 16 UNAUTHENTICATED). */
export const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;
export type GrpcStatusName = (typeof GRPC_STATUS_NAMES)[number];

export const GrpcStatus = {
  Ok: 0,
  Cancelled: 1,
  DeadlineExceeded: 4,
  ResourceExhausted: 8,
  Internal: 13,
  Unavailable: 14,
} as const;

/** The HTTP status each gRPC code stands for (Utility::grpcToHttpStatus), index = code. */
const GRPC_TO_HTTP = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

/** Utility::grpcToHttpStatus: what outlier detection is told for a grpc-status in the response headers. */
export function grpcToHttpStatus(code: number): number {
  return GRPC_TO_HTTP[code] ?? 500;
}

/**
 * Utility::httpToGrpcStatus: the gRPC status of an HTTP answer without one (Envoy's local replies to a
 * gRPC request carry it; a gRPC client derives it the same way). A 200 without a status is OK here: the
 * synthetic gRPC server answers OK unless a Scenario error says otherwise.
 */
export function httpToGrpcStatus(status: number): number {
  switch (status) {
    case 200:
      return GrpcStatus.Ok;
    case 400:
      return GrpcStatus.Internal;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 12;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.Unavailable;
    default:
      return 2;
  }
}
