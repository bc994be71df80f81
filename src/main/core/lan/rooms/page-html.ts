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

/** The page's style sheet. */
export const PAGE_CSS = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; }
main { max-width: 36rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; }
h2 { font-size: 1.05rem; margin-top: 1.5rem; }
button { font-size: 1rem; padding: 0.5rem 1rem; }
#go { font-size: 1.2rem; padding: 0.8rem 1.6rem; }
#error { color: #b00020; font-weight: 600; }
#queue li.current { font-weight: 700; }
#progress { width: 70%; }
label { display: block; margin: 0.8rem 0; }
.muted { opacity: 0.7; }
`;
