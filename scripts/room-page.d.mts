import type { Plugin } from 'vite';

/** The listener page's script as text (scripts/room-page.mjs). */
export function buildRoomPage(): Promise<string>;
/** The electron-vite plugin that emits out/main/room-page.js. */
export function viteRoomPage(): Plugin;
