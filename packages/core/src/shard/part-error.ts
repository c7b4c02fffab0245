/** A part that cannot be used: unreadable, not a part, of another plan. The CLI prints it in one line. */
export class PartError extends Error {}
