import {
  hasServiceFilters,
  parseServiceFilters,
  serviceFiltersQuery,
} from './serviceFilters';
import { toScorecardsQuery } from './scorecardsQuery';

describe('service filters', () => {
  it('reads every filter of the URL query and writes it back in the same order', () => {
    const query =
      'program=istio-adoption&phase=expand&owner=group%3Adefault%2Fteam-a' +
      '&includeChildGroups=true&system=system%3Adefault%2Fpayments&domain=domain%3Adefault%2Fcommerce' +
      '&wave=wave-1&check=k8s.svc.protocol&checkStatus=fail';
    const filters = parseServiceFilters(new URLSearchParams(query));
    expect(filters).toEqual({
      program: 'istio-adoption',
      phase: 'expand',
      owner: 'group:default/team-a',
      includeChildGroups: true,
      system: 'system:default/payments',
      domain: 'domain:default/commerce',
      wave: 'wave-1',
      check: 'k8s.svc.protocol',
      checkStatus: 'fail',
    });
    expect(serviceFiltersQuery(filters)).toBe(query);
  });

  it('takes child groups only as "true" and only with an owner', () => {
    expect(
      parseServiceFilters(new URLSearchParams('includeChildGroups=true')),
    ).toEqual({});
    expect(
      parseServiceFilters(
        new URLSearchParams(
          'owner=group%3Adefault%2Fteam-a&includeChildGroups=1',
        ),
      ),
    ).toEqual({ owner: 'group:default/team-a' });
    expect(
      serviceFiltersQuery({
        owner: 'group:default/team-a',
        includeChildGroups: false,
      }),
    ).toBe('owner=group%3Adefault%2Fteam-a');
  });

  it('ignores empty parameters, unknown parameters and a status that is no check status', () => {
    const filters = parseServiceFilters(
      new URLSearchParams('phase=&owner=%20&checkStatus=broken&x=1'),
    );
    expect(filters).toEqual({});
    expect(hasServiceFilters(filters)).toBe(false);
    expect(serviceFiltersQuery(filters)).toBe('');
  });

  it('names the filters as the REST API does', () => {
    expect(
      toScorecardsQuery({
        owner: 'group:default/team-a',
        includeChildGroups: true,
      }),
    ).toStrictEqual({
      programId: undefined,
      phase: undefined,
      owner: 'group:default/team-a',
      includeChildGroups: true,
      system: undefined,
      domain: undefined,
      wave: undefined,
      checkId: undefined,
      checkStatus: undefined,
    });
    // The backend refuses child groups without an owner.
    expect(
      toScorecardsQuery({ includeChildGroups: true }).includeChildGroups,
    ).toBeUndefined();
    expect(
      toScorecardsQuery({
        program: 'istio-adoption',
        wave: 'wave-1',
        check: 'mesh.mtls',
        checkStatus: 'fail',
      }),
    ).toEqual({
      programId: 'istio-adoption',
      wave: 'wave-1',
      checkId: 'mesh.mtls',
      checkStatus: 'fail',
    });
  });
});
