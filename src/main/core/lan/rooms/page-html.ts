/**
 * The listener page's HTML and CSS, as strings (the script is built from src/room-page/). No
 * inline script or style anywhere, so the page's CSP can forbid both.
 */

/** The page's Content-Security-Policy: its own origin's script, style, audio and socket only. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "media-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page for room `id` (an id is [A-Za-z0-9_-], nothing to escape). */
export function pageHtml(id: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Listening room</title>
<link rel="stylesheet" href="/room/${id}/room.css">
<script src="/room/${id}/listener.js" defer></script>
</head>
<body>
<main>
<h1>Listening room</h1>
<p id="status" role="status">Connecting…</p>
<p id="error" role="alert" hidden></p>
<section id="join">
<label>Your name <input id="name" maxlength="40" autocomplete="nickname"></label>
<button id="go" type="button" disabled>Join and play</button>
</section>
<section id="room" hidden>
<h2>Now playing</h2>
<p id="now">—</p>
<p><progress id="progress" max="1" value="0"></progress> <span id="clock">0:00</span></p>
<p id="controls" hidden>
<button id="play" type="button">Play</button>
<button id="pause" type="button">Pause</button>
<button id="skip" type="button">Skip</button>
</p>
<label>Speaker delay <input id="offset" type="range" min="-500" max="500" step="10" value="0"> <output id="offset-out">0 ms</output></label>
<p id="sync"></p>
<label><input id="saver" type="checkbox" disabled> Data saver <span class="muted">(smaller AAC audio for weak Wi-Fi)</span></label>
<p id="saver-note" class="muted" role="status"></p>
<h2>Queue</h2>
<ol id="queue"></ol>
<h2>Here</h2>
<ul id="users"></ul>
</section>
<audio id="audio" preload="auto"></audio>
</main>
</body>
</html>
`;
}

/** The page's style sheet: the app's look (its accent, cards and spacing), sized for phones. */
export const PAGE_CSS = `
:root {
  color-scheme: light dark;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Ubuntu, sans-serif;
  --bg: #f4f4f6; --surface: #fff; --text: #1c1c1f; --muted: #62626b; --line: #e4e4ea;
  --accent: #c2410c; --accent-strong: #9a3412; --accent-soft: #fdebdd; --error: #c21f2f;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #161618; --surface: #1f1f22; --text: #ececf0; --muted: #a0a0aa; --line: #2e2e33;
    --accent: #f08a4b; --accent-strong: #f6a66f; --accent-soft: #3a2418; --error: #ff6b76;
  }
}
/* The page hides parts with the hidden attribute; display rules below must not undo it. */
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--text); line-height: 1.45; }
main { max-width: 34rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.35rem; margin: 0 0 0.25rem; }
h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted);
  margin: 1.5rem 0 0.5rem; }
#status { color: var(--muted); margin: 0 0 1rem; }
section { background: var(--surface); border: 1px solid var(--line); border-radius: 12px;
  padding: 1rem 1.1rem; box-shadow: 0 1px 2px rgb(0 0 0 / 5%); }
section h2:first-child { margin-top: 0; }
button { font: inherit; padding: 0.55rem 1.1rem; border-radius: 8px; border: 1px solid var(--line);
  background: var(--surface); color: var(--text); min-height: 44px; cursor: pointer; }
button:disabled { opacity: 0.5; cursor: default; }
#go, #play { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
#go { width: 100%; font-size: 1.15rem; padding: 0.8rem; margin-top: 0.5rem; }
input:not([type]), input[type='text'] { font: inherit; width: 100%; box-sizing: border-box;
  padding: 0.55rem 0.7rem; border: 1px solid var(--line); border-radius: 8px;
  background: var(--bg); color: var(--text); margin-top: 0.3rem; }
#error { color: var(--error); font-weight: 600; }
#now { font-size: 1.25rem; font-weight: 650; margin: 0 0 0.6rem; }
#progress { width: calc(100% - 4rem); height: 6px; vertical-align: middle; accent-color: var(--accent); }
#clock { font-variant-numeric: tabular-nums; color: var(--muted); margin-left: 0.5rem; }
#controls { display: flex; gap: 0.5rem; }
input[type='range'] { accent-color: var(--accent); vertical-align: middle; width: 55%; }
output { font-variant-numeric: tabular-nums; color: var(--muted); }
#sync { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0 0; }
ol, ul { margin: 0; padding-left: 1.4rem; }
li { padding: 0.15rem 0; }
#queue li.current { font-weight: 700; color: var(--accent-strong); }
label { display: block; margin: 0.8rem 0; }
#saver-note:empty { display: none; }
.muted { color: var(--muted); }
`;
