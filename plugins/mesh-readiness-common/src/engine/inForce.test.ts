import {
  attestationExpiry,
  attestationInForce,
  waiverInForce,
} from './inForce';

const at = Date.parse('2026-06-01T00:00:00Z');

describe('waiverInForce', () => {
  it('counts an approved waiver until its expiry, exclusive', () => {
    const approved = {
      state: 'approved' as const,
      expiresAt: '2026-06-02T00:00:00Z',
    };
    expect(waiverInForce(approved, at)).toBe(true);
    expect(
      waiverInForce({ ...approved, expiresAt: '2026-06-01T00:00:00Z' }, at),
    ).toBe(false);
    expect(waiverInForce({ ...approved, expiresAt: 'soon' }, at)).toBe(false);
  });

  it.each(['requested', 'rejected', 'revoked', 'expired'] as const)(
    'never counts a %s waiver',
    state => {
      expect(
        waiverInForce({ state, expiresAt: '2030-01-01T00:00:00Z' }, at),
      ).toBe(false);
    },
  );
});

describe('attestationInForce', () => {
  const given = { attestedAt: '2026-05-01T00:00:00Z' };

  it('counts a given, unrevoked attestation without expiry', () => {
    expect(attestationInForce(given, at)).toBe(true);
  });

  it('does not count a revoked one or one dated after the time', () => {
    expect(
      attestationInForce({ ...given, revokedAt: '2026-05-02T00:00:00Z' }, at),
    ).toBe(false);
    expect(attestationInForce({ attestedAt: '2026-06-01T00:00:01Z' }, at)).toBe(
      false,
    );
    expect(attestationInForce({ attestedAt: 'yesterday' }, at)).toBe(false);
  });

  it("stops at the earlier of its expiry and the item's expiresAfter", () => {
    const expiring = { ...given, expiresAt: '2026-07-01T00:00:00Z' };
    expect(attestationInForce(expiring, at)).toBe(true);
    expect(attestationInForce(expiring, at, { expiresAfter: 'P30D' })).toBe(
      false,
    );
    expect(attestationExpiry(expiring, { expiresAfter: 'P30D' })).toBe(
      Date.parse('2026-05-31T00:00:00Z'),
    );
    expect(attestationExpiry(given)).toBeUndefined();
    expect(
      attestationInForce({ ...given, expiresAt: '2026-06-01T00:00:00Z' }, at),
    ).toBe(false);
  });
});
