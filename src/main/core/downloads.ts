import type { DownloadPolicy } from '../../shared/contract';

/**
 * The effective `allowDownload` of one track: the track's override wins, then its folder's
 * policy, then the global default. This is exactly what the manifest carries.
 */
export function effectiveAllowDownload(
  globalAllow: boolean,
  folderPolicy: DownloadPolicy,
  trackOverride: DownloadPolicy | undefined,
): boolean {
  if (trackOverride === 'allow') return true;
  if (trackOverride === 'deny') return false;
  if (folderPolicy === 'allow') return true;
  if (folderPolicy === 'deny') return false;
  return globalAllow;
}
