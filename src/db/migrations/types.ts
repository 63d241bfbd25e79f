/**
 * A migration of yesgraph's own tables. The main store is SQLite or MySQL/MariaDB, so each
 * migration states its DDL for both; statements run one by one, in order.
 */
export interface Migration {
  /** Unique, sortable: `001_apps`. Never renamed once released. */
  readonly id: string;
  readonly sqlite: readonly string[];
  readonly mysql: readonly string[];
}
