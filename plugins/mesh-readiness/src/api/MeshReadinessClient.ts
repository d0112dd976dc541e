import { parseEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { paths } from '../schema/openapi/generated/types';
import type {
  Attestation,
  AttestorRoles,
  CiFacts,
  CreateAttestationRequest,
  CreateWaiverRequest,
  DomainRollup,
  GroupRollup,
  HistoryPage,
  ListScorecardsQuery,
  Mentor,
  MentorNote,
  MentorTeams,
  MeshReadinessApi,
  OrgSummary,
  PageQuery,
  Playbook,
  PlaybookSummary,
  ProgramStatus,
  ScorecardFilters,
  ScorecardPage,
  StoredScorecard,
  SystemRollup,
  TeamRollupPage,
  TrafficCoverage,
  Waiver,
  WaiverState,
  WaveCampaign,
} from './MeshReadinessApi';

type Method = 'get' | 'post';

/** The JSON body of an operation's success response, from the spec. */
type OkBody<P extends keyof paths, M extends Method> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
    ? B
    : never
  : never;

/** The JSON request body of an operation, from the spec. */
type RequestBody<
  P extends keyof paths,
  M extends Method,
> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

type QueryValue = string | number | boolean | undefined;

/**
 * Fetch client of the Mesh Readiness backend. Paths, bodies and responses
 * are typed from the OpenAPI spec; requests go through the app's FetchApi so
 * that the user's Backstage token is attached.
 *
 * @public
 */
export class MeshReadinessClient implements MeshReadinessApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityScorecard(
    entityRef: string,
    options?: { programId?: string },
  ): Promise<StoredScorecard | undefined> {
    const response = await this.send(
      'get',
      `/scorecards/${entityPath(entityRef)}`,
      { programId: options?.programId },
    );
    if (response.status === 404) {
      return undefined;
    }
    return this.json<OkBody<'/scorecards/{kind}/{namespace}/{name}', 'get'>>(
      response,
    );
  }

  async refreshEntityScorecard(
    entityRef: string,
    options?: { programId?: string },
  ): Promise<StoredScorecard> {
    return this.json<
      OkBody<'/scorecards/{kind}/{namespace}/{name}/refresh', 'post'>
    >(
      await this.send('post', `/scorecards/${entityPath(entityRef)}/refresh`, {
        programId: options?.programId,
      }),
    );
  }

  async getEntityCiFacts(
    entityRef: string,
    options?: { programId?: string },
  ): Promise<CiFacts> {
    return this.json<
      OkBody<'/scorecards/{kind}/{namespace}/{name}/ci-facts', 'get'>
    >(
      await this.send('get', `/scorecards/${entityPath(entityRef)}/ci-facts`, {
        programId: options?.programId,
      }),
    );
  }

  async listScorecards(
    query: ListScorecardsQuery = {},
  ): Promise<ScorecardPage> {
    return this.json<OkBody<'/scorecards', 'get'>>(
      await this.send('get', '/scorecards', { ...query }),
    );
  }

  async getEntityHistory(
    entityRef: string,
    query: PageQuery = {},
  ): Promise<HistoryPage> {
    return this.json<OkBody<'/history/{kind}/{namespace}/{name}', 'get'>>(
      await this.send('get', `/history/${entityPath(entityRef)}`, {
        ...query,
      }),
    );
  }

  async getAttestorRoles(entityRef: string): Promise<AttestorRoles> {
    return this.json<OkBody<'/attestations/roles', 'get'>>(
      await this.send('get', '/attestations/roles', { entityRef }),
    );
  }

  async createAttestation(
    request: CreateAttestationRequest,
  ): Promise<Attestation> {
    const body: RequestBody<'/attestations', 'post'> = request;
    return this.json<OkBody<'/attestations', 'post'>>(
      await this.send('post', '/attestations', undefined, body),
    );
  }

  async revokeAttestation(id: string): Promise<Attestation> {
    return this.json<OkBody<'/attestations/{id}/revoke', 'post'>>(
      await this.send('post', `/attestations/${encodeURIComponent(id)}/revoke`),
    );
  }

  async listWaivers(query: {
    entityRef?: string;
    programId?: string;
    state?: WaiverState;
  }): Promise<Waiver[]> {
    const list = await this.json<OkBody<'/waivers', 'get'>>(
      await this.send('get', '/waivers', { ...query }),
    );
    return list.items;
  }

  async requestWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    const body: RequestBody<'/waivers', 'post'> = request;
    return this.json<OkBody<'/waivers', 'post'>>(
      await this.send('post', '/waivers', undefined, body),
    );
  }

  async approveWaiver(id: string, comment?: string): Promise<Waiver> {
    const body: RequestBody<'/waivers/{id}/approve', 'post'> = { comment };
    return this.json<OkBody<'/waivers/{id}/approve', 'post'>>(
      await this.send(
        'post',
        `/waivers/${encodeURIComponent(id)}/approve`,
        undefined,
        body,
      ),
    );
  }

  async rejectWaiver(id: string, comment?: string): Promise<Waiver> {
    const body: RequestBody<'/waivers/{id}/reject', 'post'> = { comment };
    return this.json<OkBody<'/waivers/{id}/reject', 'post'>>(
      await this.send(
        'post',
        `/waivers/${encodeURIComponent(id)}/reject`,
        undefined,
        body,
      ),
    );
  }

  async getGroupRollup(
    groupRef: string,
    options?: { programId?: string },
  ): Promise<GroupRollup> {
    return this.json<OkBody<'/groups/{namespace}/{name}/rollup', 'get'>>(
      await this.send('get', `/groups/${groupPath(groupRef)}/rollup`, {
        programId: options?.programId,
      }),
    );
  }

  async getSystemRollup(
    systemRef: string,
    options?: { programId?: string },
  ): Promise<SystemRollup> {
    return this.json<OkBody<'/systems/{namespace}/{name}/rollup', 'get'>>(
      await this.send(
        'get',
        `/systems/${namespacedPath(systemRef, 'system')}/rollup`,
        { programId: options?.programId },
      ),
    );
  }

  async getDomainRollup(
    domainRef: string,
    options?: { programId?: string },
  ): Promise<DomainRollup> {
    return this.json<OkBody<'/domains/{namespace}/{name}/rollup', 'get'>>(
      await this.send(
        'get',
        `/domains/${namespacedPath(domainRef, 'domain')}/rollup`,
        { programId: options?.programId },
      ),
    );
  }

  async getGroupHistory(
    groupRef: string,
    query: PageQuery = {},
  ): Promise<HistoryPage> {
    return this.json<OkBody<'/groups/{namespace}/{name}/history', 'get'>>(
      await this.send('get', `/groups/${groupPath(groupRef)}/history`, {
        ...query,
      }),
    );
  }

  async listMentorNotes(groupRef: string): Promise<MentorNote[]> {
    const list = await this.json<
      OkBody<'/groups/{namespace}/{name}/notes', 'get'>
    >(await this.send('get', `/groups/${groupPath(groupRef)}/notes`));
    return list.items;
  }

  async createMentorNote(
    groupRef: string,
    note: { body: string; entityRef?: string },
  ): Promise<MentorNote> {
    const body: RequestBody<'/groups/{namespace}/{name}/notes', 'post'> = note;
    return this.json<OkBody<'/groups/{namespace}/{name}/notes', 'post'>>(
      await this.send(
        'post',
        `/groups/${groupPath(groupRef)}/notes`,
        undefined,
        body,
      ),
    );
  }

  async getOrgSummary(
    options: { programId?: string; days?: number } = {},
  ): Promise<OrgSummary> {
    return this.json<OkBody<'/summary', 'get'>>(
      await this.send('get', '/summary', { ...options }),
    );
  }

  async getWaveCampaign(
    programId: string,
    waveId: string,
    options?: { limit?: number },
  ): Promise<WaveCampaign> {
    return this.json<OkBody<'/waves/{programId}/{waveId}/campaign', 'get'>>(
      await this.send(
        'get',
        `/waves/${encodeURIComponent(programId)}/${encodeURIComponent(
          waveId,
        )}/campaign`,
        { limit: options?.limit },
      ),
    );
  }

  async listTeamRollups(query: PageQuery = {}): Promise<TeamRollupPage> {
    return this.json<OkBody<'/teams', 'get'>>(
      await this.send('get', '/teams', { ...query }),
    );
  }

  async exportCsv(filters: ScorecardFilters = {}): Promise<string> {
    const response = await this.send('get', '/export.csv', { ...filters });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.text();
  }

  async getTrafficCoverage(
    options: { days?: number } = {},
  ): Promise<TrafficCoverage> {
    return this.json<OkBody<'/traffic/coverage', 'get'>>(
      await this.send('get', '/traffic/coverage', { ...options }),
    );
  }

  async listPrograms(): Promise<ProgramStatus[]> {
    const list = await this.json<OkBody<'/programs', 'get'>>(
      await this.send('get', '/programs'),
    );
    return list.items;
  }

  async listPlaybooks(): Promise<PlaybookSummary[]> {
    const list = await this.json<OkBody<'/playbooks', 'get'>>(
      await this.send('get', '/playbooks'),
    );
    return list.items;
  }

  async getPlaybook(playbookId: string): Promise<Playbook> {
    return this.json<OkBody<'/playbooks/{playbookId}', 'get'>>(
      await this.send('get', `/playbooks/${encodeURIComponent(playbookId)}`),
    );
  }

  async listMentors(): Promise<Mentor[]> {
    const list = await this.json<OkBody<'/mentors', 'get'>>(
      await this.send('get', '/mentors'),
    );
    return list.items;
  }

  async getMentorTeams(
    userRef: string,
    options?: { programId?: string },
  ): Promise<MentorTeams> {
    return this.json<OkBody<'/mentors/{userRef}/teams', 'get'>>(
      await this.send('get', `/mentors/${encodeURIComponent(userRef)}/teams`, {
        programId: options?.programId,
      }),
    );
  }

  private async send(
    method: Method,
    path: string,
    query?: Record<string, QueryValue>,
    body?: unknown,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mesh-readiness');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    return this.fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
      {
        method: method.toUpperCase(),
        headers:
          body === undefined
            ? undefined
            : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
  }

  private async json<T>(response: Response): Promise<T> {
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** `component:default/x` → `component/default/x`, each part encoded. */
function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return [kind.toLocaleLowerCase('en-US'), namespace, name]
    .map(encodeURIComponent)
    .join('/');
}

/** A ref of one kind (`kind:ns/name`, `ns/name` or `name`) → `ns/name`. */
function namespacedPath(ref: string, defaultKind: string): string {
  const { namespace, name } = parseEntityRef(ref, { defaultKind });
  return [namespace, name].map(encodeURIComponent).join('/');
}

/** A group ref (`group:ns/name`, `ns/name` or `name`) → `ns/name`. */
function groupPath(groupRef: string): string {
  return namespacedPath(groupRef, 'group');
}
