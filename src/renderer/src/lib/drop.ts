/**
 * Making sense of things dropped on the window: folders are shared; a dropped file is not, but its
 * folder can be. Pure, over plain descriptions of the dropped items.
 */
import { parentPath } from './folder-state';

/** One dropped item: whether it is a directory, and its local path when the host can tell. */
export interface DroppedItem {
  name: string;
  isDirectory: boolean;
  path?: string;
}

/** What to do with a drop. */
export type DropPlan =
  | { kind: 'add'; paths: string[] }
  | { kind: 'offer-parent'; text: string; offer: string }
  | { kind: 'ask-path'; text: string }
  | { kind: 'nothing' };

/** Decide what a drop means: add the folders, offer a file's folder, or ask for a typed path. */
export function planDrop(items: readonly DroppedItem[]): DropPlan {
  if (items.length === 0) return { kind: 'nothing' };
  const folders = items.filter((i) => i.isDirectory);
  const withPath = folders.map((i) => i.path).filter((p): p is string => Boolean(p));
  if (withPath.length) return { kind: 'add', paths: withPath };
  if (folders.length) {
    return {
      kind: 'ask-path',
      text: `The browser cannot tell where "${folders[0]!.name}" is on disk. Type the folder's path on the machine running tunecamp-share.`,
    };
  }
  const file = items.find((i) => i.path);
  if (file?.path) {
    const offer = parentPath(file.path);
    return {
      kind: 'offer-parent',
      text: `Folders are shared, not single files. Share the folder that holds "${file.name}"?`,
      offer,
    };
  }
  return {
    kind: 'ask-path',
    text: 'Folders are shared, not single files. Type the path of the folder to share.',
  };
}
