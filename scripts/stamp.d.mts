/** The repository root. */
export const ROOT: string;
/** A digest of the code the server bundle is built from (paths, sizes, modification times) and the lockfile. */
export function sourceStamp(root?: string): string;
