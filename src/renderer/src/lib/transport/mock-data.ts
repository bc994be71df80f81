/**
 * Generated, realistic data for the mock engine: 50,000 tracks across a few folders, folders in
 * every state, settings and a short activity history. Deterministic (seeded), so screenshots are
 * stable from run to run.
 */
import type { ActivityEvent, FolderStatus, Settings, TrackInfo } from '../../../../shared/contract';

/** A small seeded PRNG (mulberry32): same seed, same library. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ARTISTS = [
  'Maria Solano',
  'The Lantern Hours',
  'Okonkwo Trio',
  'Saltmarsh',
  'Kaito Mori',
  'Vera Lind',
  'Northbound Choir',
  'Dust & Daylight',
  'Ana Ferreira',
  'The Quiet Engines',
  'Juno Park',
  'Brass Orchard',
  'Léa Moreau',
  'Hollow Pines',
  'Sun Ra Tribute Band',
  'Ilse Brandt',
];
const WORDS = [
  'Night',
  'River',
  'Glass',
  'Morning',
  'Static',
  'Harbor',
  'Ember',
  'Winter',
  'Signal',
  'Paper',
  'Gold',
  'Echo',
  'Orchard',
  'Tide',
  'Lantern',
  'Velvet',
  'Summer',
  'Field',
  'Distant',
  'Blue',
  'Letters',
  'Fever',
  'Satellite',
  'Garden',
  'Silver',
  'Rain',
  'Hollow',
  'Copper',
  'Wild',
  'Home',
];
const FORMATS: [string, string, number][] = [
  ['mp3', 'audio/mpeg', 0.55],
  ['flac', 'audio/flac', 0.29],
  ['ape', 'audio/x-ape', 0.01],
  ['m4a', 'audio/mp4', 0.07],
  ['ogg', 'audio/ogg', 0.04],
  ['opus', 'audio/ogg', 0.02],
  ['wav', 'audio/wav', 0.02],
];

/** The shared roots of the mock library. */
export const MOCK_FOLDERS = [
  '/home/maria/Music',
  '/media/maria/Archive/Lossless',
  '/home/maria/Recordings/Live',
  '/mnt/nas/shared/Collaborations',
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function title(r: () => number): string {
  const n = 1 + Math.floor(r() * 3);
  return Array.from({ length: n }, () => pick(r, WORDS)).join(' ');
}

/** `count` generated tracks spread over MOCK_FOLDERS (the last folder is offline: no tracks). */
export function mockTracks(count: number, seed = 7): TrackInfo[] {
  const r = rng(seed);
  const out: TrackInfo[] = [];
  let album = '';
  let artist = '';
  let folder = MOCK_FOLDERS[0]!;
  let format = FORMATS[0]!;
  let no = 0;
  for (let i = 0; i < count; i++) {
    if (no === 0 || r() < 0.09) {
      artist = pick(r, ARTISTS);
      album = title(r);
      folder = MOCK_FOLDERS[Math.floor(r() * r() * 3)]!;
      let x = r();
      format = FORMATS.find((f) => (x -= f[2]) < 0) ?? FORMATS[0]!;
      no = 0;
    }
    no++;
    const duration = 90 + Math.floor(r() * 420);
    const kbps = format[0] === 'flac' || format[0] === 'wav' ? 900 : 256;
    const t = title(r);
    const relPath = `${artist}/${album}/${String(no).padStart(2, '0')} ${t}.${format[0]}`;
    const override = r() < 0.03 ? 'deny' : 'inherit';
    out.push({
      id: `t${i.toString(36).padStart(6, '0')}`,
      title: t,
      artist,
      album,
      duration,
      fileSizeBytes: Math.round((duration * kbps * 1000) / 8),
      mimeType: format[1],
      allowDownload: override !== 'deny' && folder !== MOCK_FOLDERS[2],
      folder,
      relPath,
      format: format[0],
      override,
      plays: r() < 0.2 ? Math.floor(r() * 40) : 0,
      downloads: r() < 0.05 ? Math.floor(r() * 5) : 0,
      downloadOnly: format[0] === 'ape',
    });
  }
  return out;
}

/** Folder statuses consistent with `tracks`: watching, scanning, polling (stream-only) and offline. */
export function mockFolders(tracks: readonly TrackInfo[], now: number): FolderStatus[] {
  const stats = new Map<string, { n: number; b: number }>();
  for (const t of tracks) {
    const s = stats.get(t.folder) ?? { n: 0, b: 0 };
    s.n++;
    s.b += t.fileSizeBytes;
    stats.set(t.folder, s);
  }
  const base = (path: string): FolderStatus => ({
    path,
    download: 'inherit',
    exclude: [],
    state: 'watching',
    tracks: stats.get(path)?.n ?? 0,
    bytes: stats.get(path)?.b ?? 0,
    lastScanAt: now - 3 * 60_000,
    skipped: [],
  });
  return [
    {
      ...base(MOCK_FOLDERS[0]!),
      exclude: ['*.m3u', 'Podcasts/'],
      skipped: [
        {
          path: 'Vera Lind/Demos/03 Untitled.mp3',
          reason: 'Not an audio file: the header is damaged.',
        },
        { path: 'Saltmarsh/Live/track.wma', reason: 'DRM-protected file: cannot be streamed.' },
        { path: 'Kaito Mori/Odd/empty.flac', reason: 'Empty file (0 bytes).' },
      ],
      notes: [
        {
          path: 'Juno Park/Rough Mixes/02 Tide.mp3',
          reason: 'its ID3v2 tag is damaged and was ignored: titled from the file name',
        },
      ],
    },
    {
      ...base(MOCK_FOLDERS[1]!),
      state: 'scanning',
      progress: { found: 21_940, parsed: 14_212, skipped: 12 },
    },
    {
      ...base(MOCK_FOLDERS[2]!),
      state: 'polling',
      download: 'deny',
      // Two live takes are also in the first folder: counted here too, published once.
      tracks: (stats.get(MOCK_FOLDERS[2]!)?.n ?? 0) + 2,
      duplicates: { tracks: 2, alsoIn: [MOCK_FOLDERS[0]!] },
      reason: 'The system file-watch limit was reached; rescanning every 60 s instead.',
    },
    {
      ...base(MOCK_FOLDERS[3]!),
      state: 'offline',
      lastScanAt: now - 26 * 3600_000,
      reason: 'The network share /mnt/nas/shared is not mounted.',
    },
  ];
}

/** Settings of the mock user. */
export function mockSettings(): Settings {
  return {
    schemaVersion: 1,
    server: 'https://music.example.org',
    username: 'maria',
    allowDownloads: true,
    folders: MOCK_FOLDERS.map((path) => ({ path, download: 'inherit', exclude: [] })),
    trackOverrides: {},
    maxConcurrentTransfers: 4,
    uploadRateLimit: 0,
    paused: false,
    autostart: true,
    notifications: true,
    defaultExclude: ['*.tmp', '.DS_Store', 'Thumbs.db'],
    rescanIntervalHours: 24,
    pollIntervalSeconds: 60,
    lan: { enabled: false, port: 47310, host: '0.0.0.0' },
  };
}

/** A plausible recent history, newest last. */
export function mockActivity(now: number): ActivityEvent[] {
  const m = 60_000;
  return [
    { at: now - 95 * m, level: 'info', message: 'Connected to music.example.org' },
    { at: now - 70 * m, level: 'warn', message: 'Connection lost (network); retrying in 4 s' },
    { at: now - 69 * m, level: 'info', message: 'Connected to music.example.org' },
    { at: now - 40 * m, level: 'warn', message: 'Folder offline: /mnt/nas/shared/Collaborations' },
    {
      at: now - 12 * m,
      level: 'info',
      message: 'Scan of /home/maria/Music finished: 3 files skipped',
    },
    { at: now - 2 * m, level: 'info', message: 'Published 50,000 tracks' },
  ];
}
