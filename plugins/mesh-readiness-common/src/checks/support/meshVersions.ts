/*
 * Mesh release versions as clusters report them, compared by their
 * numbers rather than as text ("1.9.0" is older than "1.10.0"; "1.22.3" is
 * older than "1.24.1"). The spellings read here:
 *
 * - Istio images and istiod tags: `1.24.1`, `1.24.1-distroless`,
 *   `1.25.0-beta.0`, and revision names made from versions (`1-24-1`, the
 *   `istio.io/rev` convention of canary upgrades).
 * - Linkerd proxy and control-plane versions: `stable-2.14.10`,
 *   `edge-24.11.8`, `enterprise-2.16.1`, `v2.14.10`. Edge releases number
 *   by year and month, so they only compare with other edge releases.
 */

/** A parsed release: its channel (empty for Istio) and its numbers. */
export interface MeshVersion {
  channel: string;
  numbers: number[];
  /** A pre-release suffix (`beta.0`, `rc.1`): older than the release. */
  preRelease?: string;
}

const RELEASE =
  /^(?:(stable|edge|enterprise)-)?v?(\d+(?:[.-]\d+){1,3})(?:-(alpha|beta|rc)(?:\.?(\d+))?)?(?:-[a-z][a-z0-9.-]*)?$/i;

/** Parses a version or a version-shaped revision; undefined otherwise. */
export function parseMeshVersion(text: string): MeshVersion | undefined {
  const match = RELEASE.exec(text.trim());
  if (!match) return undefined;
  const [, channel, digits, pre, preNumber] = match;
  const version: MeshVersion = {
    channel: (channel ?? '').toLowerCase(),
    numbers: digits.split(/[.-]/).map(Number),
  };
  if (pre) version.preRelease = `${pre.toLowerCase()}.${preNumber ?? '0'}`;
  return version;
}

/**
 * How `proxy` relates to `controlPlane`: `older`, `same`, `newer`, or
 * `incomparable` when either is not a version or they are of different
 * release channels (stable and edge numbers mean different things).
 * Missing trailing numbers count as zero (`1.24` is `1.24.0`).
 */
export function compareMeshVersions(
  proxy: string,
  controlPlane: string,
): 'older' | 'same' | 'newer' | 'incomparable' {
  const a = parseMeshVersion(proxy);
  const b = parseMeshVersion(controlPlane);
  if (!a || !b) return proxy === controlPlane ? 'same' : 'incomparable';
  // Linkerd's stable and enterprise releases share one numbering.
  const lineOf = (v: MeshVersion) =>
    v.channel === 'enterprise' ? 'stable' : v.channel;
  if (lineOf(a) !== lineOf(b)) return 'incomparable';
  const length = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < length; i++) {
    const difference = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (difference !== 0) return difference < 0 ? 'older' : 'newer';
  }
  if (a.preRelease === b.preRelease) return 'same';
  if (a.preRelease === undefined) return 'newer';
  if (b.preRelease === undefined) return 'older';
  return comparePreRelease(a.preRelease, b.preRelease);
}

const PRE_RELEASE_ORDER = ['alpha', 'beta', 'rc'];

function comparePreRelease(a: string, b: string): 'older' | 'same' | 'newer' {
  const [aKind, aNumber] = a.split('.');
  const [bKind, bNumber] = b.split('.');
  const difference =
    PRE_RELEASE_ORDER.indexOf(aKind) - PRE_RELEASE_ORDER.indexOf(bKind) ||
    Number(aNumber) - Number(bNumber);
  if (difference === 0) return 'same';
  return difference < 0 ? 'older' : 'newer';
}
