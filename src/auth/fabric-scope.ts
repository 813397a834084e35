import { DomainError, notFound, requireId } from '../errors.ts';

/**
 * The fabrics a unit of work may load: all of them (requests of unlimited tokens, jobs, scripts)
 * or those a limited token names. The services of a request ask it whenever they load a fabric,
 * a resource or an operation, so no argument form can reach a row of another fabric.
 *
 * A limited token asking for anything outside its fabrics gets FORBIDDEN, whether the row exists
 * in another fabric or not at all: the answer says nothing about other fabrics. Unlimited tokens
 * get NOT_FOUND for a row that does not exist, as before.
 */
export class FabricScope {
  static readonly unlimited = new FabricScope(null);

  readonly #fabricIds: ReadonlySet<string> | null;

  constructor(fabricIds: readonly string[] | null) {
    this.#fabricIds = fabricIds === null ? null : new Set(fabricIds);
  }

  get limited(): boolean {
    return this.#fabricIds !== null;
  }

  allows(fabricId: string): boolean {
    return this.#fabricIds === null || this.#fabricIds.has(fabricId);
  }

  /** The row, if it exists and its fabric is in scope; otherwise the refusal described above. */
  require<T>(what: string, id: string, row: T | null | undefined, fabricIdOf: (row: T) => string): T {
    if (row != null && this.allows(fabricIdOf(row))) return row;
    if (this.limited) throw this.refusal(what, id);
    throw notFound(what, id);
  }

  /** An id given by a caller, before it is looked up: ids are UUIDs, anything else names no row. */
  requireId(what: string, id: string): string {
    try {
      return requireId(what, id);
    } catch (error) {
      throw this.limited ? this.refusal(what, id) : error;
    }
  }

  /** A fabric id given by a caller: must be a well-formed id and in scope. */
  requireFabricId(fabricId: string): string {
    if (this.limited && !this.allows(fabricId)) throw this.refusal('Fabric', fabricId);
    return requireId('Fabric', fabricId);
  }

  /** The fabric ids in scope, for narrowing a list query; null when every fabric is. */
  get fabricIds(): string[] | null {
    return this.#fabricIds === null ? null : [...this.#fabricIds];
  }

  refusal(what: string, id: string): DomainError {
    return new DomainError(
      'FORBIDDEN',
      `${what} ${JSON.stringify(id)} is not in the fabrics this token is limited to`,
      { id },
    );
  }
}
