/** Thrown for input problems the CLI reports in one line, with exit code 1. */
export class UsageProblem extends Error {}
