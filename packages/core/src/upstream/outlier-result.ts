/** Outcomes an attempt reports to its host's monitor (Envoy's Outlier::Result). */
export const OutlierResult = {
  /** An HTTP response with a status code. */
  HttpCode: 0,
  LocalOriginConnectSuccess: 1,
  LocalOriginConnectFailed: 2,
  LocalOriginTimeout: 3,
  /** tcp_proxy's connect success: the whole exchange succeeded (counts as a 200 without the split). */
  LocalOriginConnectSuccessFinal: 4,
} as const;
export type OutlierResult = (typeof OutlierResult)[keyof typeof OutlierResult];
