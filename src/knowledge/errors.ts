/** A knowledge file that cannot be used: the service refuses to start and says where. */
export class KnowledgeError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`knowledge file ${file}${field ? `, field ${field}` : ''}: ${problem}`);
    this.name = 'KnowledgeError';
  }
}
