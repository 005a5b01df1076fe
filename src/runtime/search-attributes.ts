import type { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions';

const { IndexedValueType } = temporal.api.enums.v1;

const WANTED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  [SEARCH_ATTRIBUTES.status.name]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SEARCH_ATTRIBUTES.priority.name]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SEARCH_ATTRIBUTES.armCount.name]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SEARCH_ATTRIBUTES.tenant.name]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

/**
 * Makes sure OctoLLM's search attributes exist in the namespace, registering the missing ones.
 * The dev server's `--search-attribute` flags only apply to a new database, so a kept SQLite
 * file from an older version needs this. Returns false (and says why) when they cannot be
 * registered, e.g. without operator rights: tasks then run without search attributes.
 */
export async function ensureSearchAttributes(
  connection: Pick<Connection | NativeConnection, 'operatorService'>,
  namespace: string,
  log: (msg: string) => void,
): Promise<boolean> {
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace,
    });
    const missing = Object.fromEntries(
      Object.entries(WANTED).filter(([name]) => !(customAttributes && name in customAttributes)),
    );
    if (Object.keys(missing).length === 0) return true;
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    log(
      `registered search attributes ${Object.keys(missing).join(', ')} in namespace ${namespace}`,
    );
    return true;
  } catch (err) {
    log(
      `search attributes unavailable (${(err as Error).message}); tasks run without them. ` +
        'Register them as the README says, or set TEMPORAL_SEARCH_ATTRIBUTES=false.',
    );
    return false;
  }
}
