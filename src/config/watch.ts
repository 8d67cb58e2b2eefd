import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` (debounced) when the file changes. The directory is watched, not the file: editors and ConfigMap
 * mounts replace the file with a new one, which a watch on the old inode would never see.
 */
export function watchFile(
  path: string,
  onChange: () => void,
  onError: (err: Error) => void,
  debounceMs = 300,
): { close(): void } {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_event, changed) => {
      if (changed !== null && changed !== name && !changed.startsWith('..')) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    // The directory went away or the watch broke: say so, since edits will no longer be picked up on their own.
    watcher.on('error', (err) => {
      watcher?.close();
      onError(err);
    });
  } catch (err) {
    // No watcher (unsupported file system): SIGHUP still reloads.
    onError(err as Error);
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
