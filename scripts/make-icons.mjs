#!/usr/bin/env node
// Regenerates assets/: the app icon and the tray icons per state, from the SVGs defined here.
// Needs rsvg-convert (Debian/Ubuntu: apt-get install librsvg2-bin). The committed PNGs are what
// the app and electron-builder use; run this only after changing a drawing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');
mkdirSync(assets, { recursive: true });

// An eighth note on a 32-unit grid: the app's mark, readable at 16 px.
const note = (fill) => `
  <ellipse cx="12.5" cy="22.5" rx="5" ry="3.8" transform="rotate(-20 12.5 22.5)" fill="${fill}"/>
  <rect x="15.6" y="6.5" width="2.6" height="16.5" rx="0.8" fill="${fill}"/>
  <path d="M17.2 6.5h1c2.2 2.4 6.6 3.2 5.8 8.6-1.1-2.6-3.3-3.4-5.8-3.6h-1z" fill="${fill}"/>`;

const glyphs = {
  note,
  // Sending data: an arrow up out of a tray.
  upload: (fill) => `
  <path d="M16 6l7 7.5h-4.6V20h-4.8v-6.5H9z" fill="${fill}"/>
  <rect x="8" y="22.5" width="16" height="3" rx="1" fill="${fill}"/>`,
  pause: (fill) => `
  <rect x="10" y="8.5" width="4.2" height="15" rx="1.2" fill="${fill}"/>
  <rect x="17.8" y="8.5" width="4.2" height="15" rx="1.2" fill="${fill}"/>`,
  alert: (fill) => `
  <rect x="14" y="6.5" width="4" height="12.5" rx="1.6" fill="${fill}"/>
  <circle cx="16" cy="24" r="2.4" fill="${fill}"/>`,
};

/** Tray states (tray-menu.ts TrayIconState): disc colour and glyph. Shapes differ too, not only colours. */
const states = {
  idle: ['#7b818c', 'note'],
  connecting: ['#d99a1e', 'note'],
  sharing: ['#23994a', 'note'],
  transferring: ['#2a6fdb', 'upload'],
  paused: ['#5f6b7a', 'pause'],
  error: ['#cf3a3a', 'alert'],
};

const tray = (
  color,
  glyph,
) => `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <circle cx="16" cy="16" r="15" fill="${color}"/>
  <circle cx="16" cy="16" r="14.5" fill="none" stroke="#000" stroke-opacity="0.18"/>${glyphs[glyph]('#fff')}
</svg>
`;

// macOS menu bar: black plus alpha only; the system tints it for light and dark bars.
const template = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">${note('#000')}
</svg>
`;

const app = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#f2a33a"/>
      <stop offset="1" stop-color="#d9622b"/>
    </linearGradient>
  </defs>
  <rect x="24" y="24" width="464" height="464" rx="104" fill="url(#bg)"/>
  <g transform="translate(40 56) scale(12)">${note('#fff')}
  </g>
  <g fill="none" stroke="#fff" stroke-width="22" stroke-linecap="round" opacity="0.9">
    <path d="M352 176a96 96 0 0 1 0 136"/>
    <path d="M392 136a150 150 0 0 1 0 216"/>
  </g>
</svg>
`;

function render(svgName, svg, outputs) {
  const svgPath = path.join(assets, svgName);
  writeFileSync(svgPath, svg);
  for (const [png, size] of outputs) {
    execFileSync('rsvg-convert', [
      '-w',
      String(size),
      '-h',
      String(size),
      '-o',
      path.join(assets, png),
      svgPath,
    ]);
  }
}

render('icon.svg', app, [['icon.png', 512]]);
for (const [state, [color, glyph]] of Object.entries(states)) {
  // name.png is 16 px and name@2x.png 32 px: Electron's nativeImage picks the @2x on HiDPI screens.
  render(`tray-${state}.svg`, tray(color, glyph), [
    [`tray-${state}.png`, 16],
    [`tray-${state}@2x.png`, 32],
  ]);
}
render('trayTemplate.svg', template, [
  ['trayTemplate.png', 16],
  ['trayTemplate@2x.png', 32],
]);
console.log(`icons written to ${assets}`);
