/**
 * An error from a backend's client library (node-postgres, the AWS SDK, the network) in its own
 * words, one line. Node reports a connection refused on every address of a name (`localhost` is
 * both ::1 and 127.0.0.1) as an AggregateError whose own message is empty: its parts say it.
 */
export function backendErrorText(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    const parts = error.errors.map(backendErrorText).filter((part) => part !== '');
    if (parts.length > 0) return [...new Set(parts)].join('; ');
  }
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' && !error.message.startsWith(error.name) ? `${error.name}: ` : '';
    const message = error.message || (error as { code?: unknown }).code;
    return `${name}${typeof message === 'string' && message ? message : 'failed without a message'}`.replace(/\s+/g, ' ').trim();
  }
  return String(error);
}
