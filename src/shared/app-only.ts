/**
 * The words for a file only apps play (issue 17): the reason a folder skips it, and the note the
 * window shows beside a track published download-only. One phrase for the engine and the window.
 */
export const APP_ONLY_REASON = 'plays in apps, not in browsers';
