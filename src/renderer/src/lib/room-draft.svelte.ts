/**
 * The queue being put together for the next listening room: filled from the Tracks view
 * ("Play in a listening room"), edited and opened in the Room view.
 */
export const roomDraft = $state<{ ids: string[] }>({ ids: [] });

/** Adds tracks to the draft, each once, in order. */
export function addToDraft(ids: readonly string[]): void {
  const fresh = ids.filter((id, i) => ids.indexOf(id) === i && !roomDraft.ids.includes(id));
  roomDraft.ids = [...roomDraft.ids, ...fresh];
}
