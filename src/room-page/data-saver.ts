/**
 * The listener page's data saver: the room's AAC HLS rendition instead of the original files,
 * when the listener ticks "Data saver" or when the buffer keeps running dry (3 stalls within
 * 60 s while the room plays). Only where the host offers it (it has ffmpeg) and the browser plays
 * HLS itself (`canPlayType('application/vnd.apple.mpegurl')`); otherwise the page keeps the
 * originals and says why. A switch reloads the track at the room's position and starts it like
 * any start (sync-player.ts), so sync holds; a rendition that fails sends the page back to the
 * original file, with the reason.
 */
import { expectedPosition, StallWatch } from '../main/core/lan/rooms/policy';
import type { PlaylistEntry } from '../main/core/lan/rooms/protocol';
import type { SyncPlayer } from './sync-player';

const HLS_TYPE = 'application/vnd.apple.mpegurl';
/** How far ahead of the room a switch loads, and starts once the new source can play, ms. */
const LOAD_AHEAD_MS = 1500;
const START_AHEAD_MS = 400;

/** The rendition's playlist of `entry`, in room `base` (`/room/<id>`). */
export const hlsUrl = (base: string, e: PlaylistEntry) => `${base}/hls/${e.id}/index.m3u8`;

/** The data-saver switch of one page. */
export class DataSaver {
  /** The rendition is what plays. */
  on = false;
  private offered = false;
  private readonly stalls = new StallWatch();
  private readonly prefetched = new Set<string>();

  constructor(
    private readonly player: SyncPlayer,
    private readonly base: string,
    private readonly box: HTMLInputElement,
    private readonly note: (text: string) => void,
  ) {
    const audio = player.audio;
    player.urlOf = (e) => (this.on ? hlsUrl(base, e) : e.url);
    box.addEventListener('change', () => {
      if (box.checked) void this.enable('Data saver on');
      else this.disable('Data saver off: playing the original files.');
    });
    audio.addEventListener('waiting', () => {
      // A stall: the room plays, the element is not seeking, and its data ran out.
      if (this.on || audio.seeking || player.timeline?.state !== 'playing') return;
      if (this.stalls.add(performance.now()))
        void this.enable('The connection kept running dry (3 stalls within 60 s): data saver on');
    });
    audio.addEventListener('error', () => {
      if (!this.on) return;
      const e = audio.error;
      const said = `${e?.message || `media error ${e?.code}`}`;
      // The server says why a rendition could not be made (ffmpeg's reason); else the browser.
      void fetch(audio.currentSrc || audio.src, { credentials: 'same-origin' })
        .then(async (r) => (r.ok ? said : (await r.text()).trim()))
        .catch(() => said)
        .then((why) =>
          this.disable(`The data-saver rendition failed (${why}): back to the original file.`),
        );
    });
    // While it is on, the next track's rendition is made before it is needed.
    audio.addEventListener('loadstart', () => {
      const t = player.timeline;
      const next = t && player.playlist[t.index + 1];
      if (!this.on || !next || this.prefetched.has(next.id)) return;
      this.prefetched.add(next.id);
      fetch(hlsUrl(base, next), { credentials: 'same-origin' }).catch(() => undefined);
    });
  }

  /** Why this page cannot use the data saver, or undefined when it can. */
  unavailable(): string | undefined {
    if (!this.offered) return 'The host has no ffmpeg, so there is no data saver in this room.';
    if (this.player.audio.canPlayType(HLS_TYPE) === '')
      return 'This browser cannot play HLS itself (Firefox on a computer, for one): it plays the original files.';
    return undefined;
  }

  /** HELLO said whether the host offers the rendition. */
  offer(offered: boolean): void {
    this.offered = offered;
    const why = this.unavailable();
    this.box.disabled = why !== undefined;
    if (why) this.note(why);
  }

  /** Switches to the rendition (once its playlist answers); says why when it cannot. */
  async enable(why: string): Promise<void> {
    const cannot = this.unavailable();
    const t = this.player.timeline;
    const entry = t && this.player.playlist[t.index];
    if (cannot || !entry) {
      this.box.checked = false;
      if (cannot) this.note(cannot);
      return;
    }
    this.box.checked = true;
    this.note('Preparing the data-saver rendition…');
    // The first request of a track waits for ffmpeg: the original plays on meanwhile.
    const res = await fetch(hlsUrl(this.base, entry), { credentials: 'same-origin' }).catch(
      (err: Error) => ({ ok: false, text: async () => err.message }) as const,
    );
    if (!this.box.checked) return; // unticked while it was being made
    if (!res.ok) {
      this.box.checked = false;
      return this.note(`${(await res.text()).trim()} Playing the original file.`);
    }
    this.on = true;
    this.note(`${why}: playing the AAC rendition (HLS).`);
    await this.reload();
  }

  /** Back to the original files. */
  disable(why: string): void {
    this.box.checked = false;
    this.stalls.clear();
    this.note(why);
    if (!this.on) return;
    this.on = false;
    void this.reload();
  }

  /**
   * Loads the current track from the other source. Playing, it loads a moment ahead of the
   * room and, once it can play, starts on a timeline equal to the room's (the same line,
   * anchored a moment ahead), so the start is like any other and its latency is learnt right.
   */
  private async reload(): Promise<void> {
    const p = this.player;
    const t = p.pending ?? p.timeline;
    if (!t) return;
    if (t.state === 'paused') return p.load(t);
    const d = p.playlist[t.index]?.duration;
    const ahead = expectedPosition(t, p.hostNow() + LOAD_AHEAD_MS, d);
    const paused = { ...t, state: 'paused' as const, position: ahead };
    p.load(paused);
    await new Promise<void>((resolve) => {
      const done = () => (window.clearTimeout(timer), resolve());
      const timer = window.setTimeout(done, 5000);
      p.audio.addEventListener('canplay', done, { once: true });
      p.audio.addEventListener('error', done, { once: true });
    });
    // Anything the room said meanwhile (a seek, a pause, a new track) has taken over.
    if (p.timeline !== paused || p.pending) return;
    const at = Math.max(p.hostNow() + START_AHEAD_MS, t.atHostTime);
    p.schedule({ ...t, position: expectedPosition(t, at, d), atHostTime: at });
  }
}
