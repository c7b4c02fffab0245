/** The Istio release meshsim models when none is named (Scenario proxy.istioVersion, `--istio-version`). */
export const CURRENT_ISTIO_VERSION = '1.28';
/** What an istioVersion looks like: `1.24`, `1.24.3`. */
export const ISTIO_VERSION_PATTERN = /^\d+\.\d+(\.\d+)?$/;
