import { describe, expect, it } from 'vitest';
import { AUDIO_FORMATS, audioFormatOf, isAudioFile } from '../../../src/main/core/library/mime';

describe('audio formats by extension', () => {
  it('maps every required extension to a real audio MIME type', () => {
    const expected: Record<string, string> = {
      mp3: 'audio/mpeg',
      mp2: 'audio/mpeg',
      flac: 'audio/flac',
      ogg: 'audio/ogg',
      oga: 'audio/ogg',
      opus: 'audio/opus',
      wav: 'audio/wav',
      aiff: 'audio/aiff',
      aif: 'audio/aiff',
      aifc: 'audio/aiff',
      m4a: 'audio/mp4',
      m4b: 'audio/mp4',
      mp4: 'audio/mp4',
      aac: 'audio/aac',
      wma: 'audio/x-ms-wma',
      ape: 'audio/ape',
      wv: 'audio/wavpack',
      mpc: 'audio/musepack',
      dsf: 'audio/dsf',
      dff: 'audio/x-dff',
      mka: 'audio/x-matroska',
      webm: 'audio/webm',
      // Formats only apps play (issue 17): skipped, or published for download only.
      tta: 'audio/x-tta',
      tak: 'audio/x-tak',
      ofr: 'audio/x-optimfrog',
      ofs: 'audio/x-optimfrog',
      shn: 'audio/x-shorten',
      mod: 'audio/x-mod',
      xm: 'audio/x-xm',
      s3m: 'audio/x-s3m',
      it: 'audio/x-it',
      // Containers that may also hold video (a file with video is skipped when read).
      mp1: 'audio/mpeg',
      m2a: 'audio/mpeg',
      wave: 'audio/wav',
      bwf: 'audio/wav',
      asf: 'audio/x-ms-wma',
      wmv: 'audio/x-ms-wma',
      weba: 'audio/webm',
      mkv: 'audio/x-matroska',
      ogv: 'audio/ogg',
      ogm: 'audio/ogg',
      ogx: 'audio/ogg',
      spx: 'audio/ogg',
      mov: 'audio/mp4',
      qt: 'audio/mp4',
      m4v: 'audio/mp4',
      m4r: 'audio/mp4',
      '3gp': 'audio/mp4',
      wvp: 'audio/wavpack',
    };
    for (const [ext, mime] of Object.entries(expected)) {
      expect(audioFormatOf(`/music/a/Song.${ext}`)?.mimeType, ext).toBe(mime);
    }
    expect(Object.keys(AUDIO_FORMATS).sort()).toEqual(Object.keys(expected).sort());
    for (const f of Object.values(AUDIO_FORMATS))
      expect(f.mimeType).toMatch(/^audio\/[a-z0-9.+-]+$/);
  });

  it('is case-insensitive and gives short labels', () => {
    expect(audioFormatOf('LOUD.FLAC')).toEqual({ format: 'flac', mimeType: 'audio/flac' });
    expect(audioFormatOf('x.Opus')).toEqual({ format: 'opus', mimeType: 'audio/opus' });
    expect(audioFormatOf('book.m4b')?.format).toBe('m4a');
  });

  it('ignores non-audio files, dot-files and names without an extension', () => {
    for (const name of [
      'cover.jpg',
      'notes.txt',
      'album.cue',
      'rip.log',
      'info.nfo',
      '.mp3',
      'mp3',
      'dir.mp3/x',
      'a.mp3.part',
    ]) {
      expect(isAudioFile(name), name).toBe(false);
    }
    expect(isAudioFile('dir.v1/track.mp3')).toBe(true);
  });
});
