import { internalAddressOf, isInternalAddress } from './target-address-policy';

describe('target address policy', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1'])(
    'treats %s as internal', (address) => expect(isInternalAddress(address)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2001:4860:4860::8888'])('treats %s as public', (address) => expect(isInternalAddress(address)).toBe(false));

  it('resolves names and checks literal hosts, IPv6 in brackets included', async () => {
    expect(await internalAddressOf('http://localhost:7070')).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(await internalAddressOf('http://[::1]:7070')).toBe('::1');
    expect(await internalAddressOf('https://8.8.8.8')).toBeNull();
  });
});
