/**
 * The window's icons as SVG path data on a 24-unit grid, drawn for this app (stroked, round caps),
 * rendered by Icon.svelte in currentColor. Icons sit beside the navigation entries and where they
 * carry meaning (the cover placeholder, listeners); never alone without a text label.
 */

/** A circle as path data, so every icon is a list of paths. */
function circle(cx: number, cy: number, r: number): string {
  return `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
}

/** Path data of each icon. */
export const ICONS = {
  overview: ['M3.5 10.5 12 3.5l8.5 7', 'M5.5 9v10.5h5v-5.5h3v5.5h5V9'],
  folders: ['M3 7a2 2 0 0 1 2-2h4l2 2.5h8a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z'],
  tracks: [
    'M3.5 6.5h10',
    'M3.5 11.5h10',
    'M3.5 16.5h6',
    'M19.5 16.5V5l-4 1.2',
    circle(17, 16.5, 2.5),
  ],
  activity: ['M2.5 12.5h4l2.5-6 4.5 12 2.5-6h5.5'],
  nearby: [
    circle(12, 12, 2),
    'M7.8 16.2a6 6 0 0 1 0-8.4',
    'M16.2 7.8a6 6 0 0 1 0 8.4',
    'M4.9 19.1a10 10 0 0 1 0-14.2',
    'M19.1 4.9a10 10 0 0 1 0 14.2',
  ],
  diagnosis: [circle(10.5, 10.5, 6.5), 'M15.5 15.5 20.5 20.5', 'M8 10.5h5'],
  settings: ['M4 7h8', 'M16 7h4', 'M4 17h4', 'M12 17h8', circle(14, 7, 2), circle(10, 17, 2)],
  server: [
    'M4 4.5h16a1 1 0 0 1 1 1V10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5.5a1 1 0 0 1 1-1z',
    'M4 13h16a1 1 0 0 1 1 1v4.5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V14a1 1 0 0 1 1-1z',
    'M7 7.75h.01',
    'M7 16.25h.01',
  ],
  disc: [circle(12, 12, 9), circle(12, 12, 2.5), 'M12 6.5a5.5 5.5 0 0 0-5.5 5.5'],
  headphones: [
    'M4 17.5V13a8 8 0 0 1 16 0v4.5',
    'M4 14.5h2.5a1 1 0 0 1 1 1v4a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1z',
    'M20 14.5h-2.5a1 1 0 0 0-1 1v4a1 1 0 0 0 1 1H19a1 1 0 0 0 1-1z',
  ],
} satisfies Record<string, string[]>;

/** The name of an icon. */
export type IconName = keyof typeof ICONS;
