// Errors a user can cause (bad files, records, specs, flags) are values, printed one line each.
// Bugs throw; these never do.

export interface InputIssue {
  /** Stable machine code, e.g. `har.entry.invalid`, `spec.ref.unresolved`, `log.line.unparsed`. */
  code: string;
  message: string;
  file?: string;
  /** One-based line (and column) in the file, when known. */
  line?: number;
  column?: number;
  /** Zero-based record index (HAR entry index). */
  index?: number;
  /** RFC 6901 JSON pointer inside a document. */
  pointer?: string;
  /** The field that was wrong, e.g. `request.url`. */
  field?: string;
  hint?: string;
  /** A fatal issue stops the file (unreadable, not a spec); others skip one record. */
  fatal?: boolean;
}

/** `file:line:column: message (field, hint)` — the one line a person reads. */
export function formatIssue(issue: InputIssue): string {
  let where = issue.file ?? '';
  if (issue.line !== undefined)
    where += `:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}`;
  if (issue.index !== undefined) where += `${where ? ' ' : ''}entry ${issue.index}`;
  if (issue.pointer !== undefined) where += `${where ? ' ' : ''}at ${issue.pointer || '/'}`;
  const extra = [issue.field ? `field ${issue.field}` : '', issue.hint ?? ''].filter(Boolean).join('; ');
  return `${where ? `${where}: ` : ''}${issue.message}${extra ? ` (${extra})` : ''}`;
}

/** Thrown only across the CLI boundary to turn a fatal InputIssue into exit code 2. */
export class InputError extends Error {
  constructor(readonly issue: InputIssue) {
    super(formatIssue(issue));
    this.name = 'InputError';
  }
}
