/**
 * A baseline (what is deployed: a state file, a git revision, a deployed manifest) that cannot be
 * read or used. Its message is written for the user and shown as is: it names the file, folder or
 * ref and what is wrong with it.
 */
export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}
