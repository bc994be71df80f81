/** A device id as people compare it: groups of 4 upper-case hex characters joined by dashes. */
export function formatDeviceId(id: string): string {
  return (
    id
      .toUpperCase()
      .match(/.{1,4}/g)
      ?.join('-') ?? ''
  );
}
