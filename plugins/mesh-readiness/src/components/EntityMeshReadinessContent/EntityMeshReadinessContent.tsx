import { useCallback, useEffect, useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useSearchParams } from 'react-router-dom';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  ChecklistResult,
  StoredScorecard,
  Waiver,
  meshReadinessApiRef,
} from '../../api/MeshReadinessApi';
import { useEntityPermissions } from '../../hooks/useEntityPermissions';
import { waitForReEvaluation } from '../../hooks/waitForReEvaluation';
import { useScorecardSignal } from '../../hooks/useScorecardSignal';
import {
  entityRefOf,
  MANIFESTS_ANNOTATION,
  ownerRefOf,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { formatDateTime } from '../shared/formatDate';
import { ManifestsAnnotationHelp } from '../shared/ManifestsAnnotationHelp';
import { EvidenceSources } from '../EvidenceSources';
import { PhaseHeadline } from '../shared/PhaseHeadline';
import { useWaveTarget } from '../shared/useWaveTarget';
import { WaveTargetText } from '../shared/WaveTargetText';
import { usePrograms } from '../../hooks/usePrograms';
import { phaseTitleFn } from '../../hooks/usePhaseTitles';
import { StaleNotice } from '../shared/StaleNotice';
import { ObservedTrafficCard } from '../TrafficEvidence';
import { AttestDialog, AttestInput } from './AttestDialog';
import { attestAvailability, heldRolesFor } from './attestAvailability';
import { ExportCiFactsButton } from './ExportCiFactsButton';
import { HistoryChart } from './HistoryChart';
import { PermissionGate } from './PermissionGate';
import { PhaseChecklist } from './PhaseChecklist';
import { PhaseChecks } from './PhaseChecks';
import { PhaseStepper } from './PhaseStepper';
import { CHECK_QUERY_PARAMETER } from './checkDeepLink';
import { WaiverInput, WaiverRequestDialog } from './WaiverRequestDialog';
import { WaiverList } from './WaiverList';
import { errorMessage } from '../shared/errorMessage';

/**
 * Props of the entity tab content.
 *
 * @public
 */
export interface EntityMeshReadinessContentProps {
  /** How many history changes to chart (default 200). */
  historyLimit?: number;
}

/** The "Mesh readiness" tab of a Component. */
export function EntityMeshReadinessContent(
  props: EntityMeshReadinessContentProps,
) {
  const historyLimit = props.historyLimit ?? 200;
  const { entity } = useEntity();
  const entityRef = entityRefOf(entity);
  const api = useApi(meshReadinessApiRef);
  const alertApi = useApi(alertApiRef);
  const permissions = useEntityPermissions(entityRef);
  const programs = usePrograms();
  const waveTarget = useWaveTarget(programs);

  const scorecardState = useAsyncRetry(
    () => api.getEntityScorecard(entityRef),
    [api, entityRef],
  );
  const waiversState = useAsyncRetry(
    () => api.listWaivers({ entityRef }),
    [api, entityRef],
  );
  // The roles the user holds here (owner, security, platform), derived by
  // the backend from the user's groups: attest offers only these.
  const rolesState = useAsyncRetry(
    () => api.getAttestorRoles(entityRef),
    [api, entityRef],
  );
  const historyState = useAsyncRetry(
    () => api.getEntityHistory(entityRef, { limit: historyLimit }),
    [api, entityRef, historyLimit],
  );

  const [refreshed, setRefreshed] = useState<StoredScorecard>();
  const [refreshing, setRefreshing] = useState(false);
  const [selectedPhase, setSelectedPhase] = useState<number>();
  const [attestItem, setAttestItem] = useState<ChecklistResult>();
  const [waiverItem, setWaiverItem] = useState<{
    itemId: string;
    title: string;
  }>();
  const [busyWaiverId, setBusyWaiverId] = useState<string>();
  // A link to one check (`?check=<checkId>`) opens the phase that holds it.
  const [searchParams] = useSearchParams();
  const focusedCheckId = searchParams.get(CHECK_QUERY_PARAMETER) ?? undefined;
  useEffect(() => setSelectedPhase(undefined), [focusedCheckId]);

  // A manual refresh answers with the new scorecard; show it until the next
  // load replaces it.
  const stored = refreshed ?? scorecardState.value;
  const scorecard = stored?.scorecard;

  const itemTitles = useMemo(() => {
    const titles = new Map<string, string>();
    scorecard?.checks.forEach(c => titles.set(c.checkId, c.title));
    scorecard?.checklist.forEach(i => titles.set(i.itemId, i.title));
    return titles;
  }, [scorecard]);

  // The backend stored a new scorecard (a refresh or an attestation in
  // another tab, a scheduled run): read it and what goes with it, keeping
  // the page as it is until the answers come.
  const { retry: retryWaivers } = waiversState;
  const { retry: retryHistory } = historyState;
  const readAfterSignal = useCallback(() => {
    api.getEntityScorecard(entityRef).then(
      latest => setRefreshed(latest),
      // The page keeps what it shows; a reload or the next signal reads again.
      () => undefined,
    );
    retryWaivers();
    retryHistory();
  }, [api, entityRef, retryWaivers, retryHistory]);
  useScorecardSignal(entityRef, readAfterSignal);

  // Attestations and waiver decisions are re-evaluated by the backend in
  // the background: wait for the new scorecard, then show it.
  const reloadAfterChange = async () => {
    const latest = await waitForReEvaluation(api, entityRef, stored);
    setRefreshed(latest);
    waiversState.retry();
    historyState.retry();
  };

  const handleRefresh = async () => {
    setRefreshing(true);
    try {
      const result = await api.refreshEntityScorecard(entityRef);
      setRefreshed(result);
      historyState.retry();
      alertApi.post({
        message: 'Re-evaluated.',
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({
        message: `Re-evaluation failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setRefreshing(false);
    }
  };

  const handleAttest = async (input: AttestInput) => {
    if (!scorecard || !attestItem) {
      return;
    }
    await api.createAttestation({
      entityRef,
      programId: scorecard.programId,
      itemId: attestItem.itemId,
      role: input.role,
      evidenceUrl: input.evidenceUrl,
      comment: input.comment,
    });
    alertApi.post({
      message: `Attested “${attestItem.title}”.`,
      severity: 'success',
      display: 'transient',
    });
    setAttestItem(undefined);
    await reloadAfterChange();
  };

  const handleRequestWaiver = async (input: WaiverInput) => {
    if (!scorecard || !waiverItem) {
      return;
    }
    await api.requestWaiver({
      entityRef,
      programId: scorecard.programId,
      itemId: waiverItem.itemId,
      justification: input.justification,
      compensatingControl: input.compensatingControl,
      expiresAt: input.expiresAt,
    });
    alertApi.post({
      message: `Waiver requested for “${waiverItem.title}”.`,
      severity: 'success',
      display: 'transient',
    });
    setWaiverItem(undefined);
    waiversState.retry();
  };

  const handleDecide = async (
    waiver: Waiver,
    decision: 'approve' | 'reject',
  ) => {
    setBusyWaiverId(waiver.id);
    try {
      if (decision === 'approve') {
        await api.approveWaiver(waiver.id);
      } else {
        await api.rejectWaiver(waiver.id);
      }
      alertApi.post({
        message:
          decision === 'approve' ? 'Waiver approved.' : 'Waiver rejected.',
        severity: 'success',
        display: 'transient',
      });
      await reloadAfterChange();
    } catch (e) {
      alertApi.post({
        message: `Could not ${decision} the waiver: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setBusyWaiverId(undefined);
    }
  };

  const refreshButton = (
    <PermissionGate permission={permissions.refresh}>
      {disabled => (
        <Button
          variant="outlined"
          startIcon={<RefreshIcon />}
          onClick={handleRefresh}
          disabled={disabled || refreshing}
        >
          {refreshing ? 'Re-evaluating…' : 'Re-evaluate now'}
        </Button>
      )}
    </PermissionGate>
  );

  if (scorecardState.loading && !stored) {
    return <Progress />;
  }
  if (scorecardState.error) {
    return <ResponseErrorPanel error={scorecardState.error} />;
  }
  if (!stored || !scorecard) {
    const hasAnnotation = Boolean(
      entity.metadata.annotations?.[MANIFESTS_ANNOTATION],
    );
    return (
      <InfoCard title="Mesh readiness">
        <Box display="flex" flexDirection="column" gridGap={16}>
          {hasAnnotation ? (
            <Typography variant="body2">
              This entity has not been evaluated yet.
            </Typography>
          ) : (
            <ManifestsAnnotationHelp />
          )}
          <Box>{refreshButton}</Box>
        </Box>
      </InfoCard>
    );
  }

  const nextIndex = scorecard.phases.findIndex(
    p => p.id === scorecard.nextPhase,
  );
  // Links name a check or a checklist item (a phase drop links to what
  // blocks the phase, which may be either).
  const focusedCheck = focusedCheckId
    ? scorecard.checks.find(c => c.checkId === focusedCheckId)
    : undefined;
  const focusedItem = focusedCheckId
    ? scorecard.checklist.find(i => i.itemId === focusedCheckId)
    : undefined;
  const focusedPhase = focusedCheck?.phase ?? focusedItem?.phase;
  const focusedIndex = focusedPhase
    ? scorecard.phases.findIndex(p => p.id === focusedPhase)
    : -1;
  let defaultIndex = Math.max(0, scorecard.phases.length - 1);
  if (focusedIndex >= 0) {
    defaultIndex = focusedIndex;
  } else if (nextIndex >= 0) {
    defaultIndex = nextIndex;
  }
  const selected = selectedPhase ?? defaultIndex;
  const phase = scorecard.phases[selected];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Mesh readiness">
          <Box display="flex" flexDirection="column" gridGap={16}>
            <StaleNotice stored={stored} />
            <PhaseHeadline scorecard={scorecard} />
            <EvidenceSources sources={scorecard.sources} />
            <Typography variant="body2" component="div">
              Wave target:{' '}
              <WaveTargetText
                target={waveTarget({
                  entityRef,
                  // In the entity's namespace, as the backend stores it.
                  owner: ownerRefOf(entity),
                  programId: scorecard.programId,
                  phase: scorecard.phase,
                })}
                phaseTitle={phaseTitleFn(programs)}
              />
            </Typography>
            <Box
              display="flex"
              alignItems="center"
              justifyContent="space-between"
              flexWrap="wrap"
              gridGap={8}
            >
              <Typography variant="caption" color="textSecondary">
                Evaluated {formatDateTime(scorecard.evaluatedAt)} · facts from{' '}
                {formatDateTime(scorecard.factsTimestamp)}
                {stored.stale ? ' (stale)' : ''}
              </Typography>
              <Box display="flex" flexWrap="wrap" gridGap={8}>
                <ExportCiFactsButton
                  entityRef={entityRef}
                  programId={scorecard.programId}
                />
                {refreshButton}
              </Box>
            </Box>
          </Box>
        </InfoCard>
      </Grid>
      {scorecard.traffic && (
        <Grid item xs={12}>
          <ObservedTrafficCard
            traffic={scorecard.traffic}
            phaseTitle={phaseTitleFn(programs)}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard title="Phases">
          {focusedCheckId && !focusedCheck && !focusedItem && (
            <Alert severity="info">
              This scorecard has no check or checklist item “{focusedCheckId}”:
              the link may be from another program or an older version of it.
            </Alert>
          )}
          <PhaseStepper
            scorecard={scorecard}
            selected={selected}
            onSelect={setSelectedPhase}
          />
          {phase && (
            <Box display="flex" flexDirection="column" gridGap={16}>
              <Typography variant="h6" component="h3">
                {phase.title}: checks
              </Typography>
              <PhaseChecks
                checks={scorecard.checks.filter(c => c.phase === phase.id)}
                requestWaiverPermission={permissions.requestWaiver}
                onRequestWaiver={setWaiverItem}
                focusedCheckId={focusedCheck?.checkId}
              />
              <Typography variant="h6" component="h3">
                {phase.title}: checklist
              </Typography>
              <PhaseChecklist
                items={scorecard.checklist.filter(i => i.phase === phase.id)}
                attestPermission={item =>
                  attestAvailability(item, permissions.attest, rolesState)
                }
                requestWaiverPermission={permissions.requestWaiver}
                onAttest={setAttestItem}
                onRequestWaiver={setWaiverItem}
                focusedItemId={focusedItem?.itemId}
              />
            </Box>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Waivers">
          {waiversState.error && (
            <ResponseErrorPanel error={waiversState.error} />
          )}
          {waiversState.loading && !waiversState.value && <Progress />}
          {waiversState.value && (
            <WaiverList
              waivers={waiversState.value}
              itemTitles={itemTitles}
              approvePermission={permissions.approveWaiver}
              busyWaiverId={busyWaiverId}
              onDecide={handleDecide}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="History">
          {historyState.error && (
            <ResponseErrorPanel error={historyState.error} />
          )}
          {historyState.loading && !historyState.value && <Progress />}
          {historyState.value && (
            <HistoryChart
              scorecard={scorecard}
              entries={historyState.value.items}
            />
          )}
        </InfoCard>
      </Grid>
      {attestItem && (
        <AttestDialog
          key={attestItem.itemId}
          item={attestItem}
          heldRoles={heldRolesFor(attestItem, rolesState.value)}
          open
          onClose={() => setAttestItem(undefined)}
          onSubmit={handleAttest}
        />
      )}
      {waiverItem && (
        <WaiverRequestDialog
          key={waiverItem.itemId}
          itemId={waiverItem.itemId}
          itemTitle={waiverItem.title}
          open
          onClose={() => setWaiverItem(undefined)}
          onSubmit={handleRequestWaiver}
        />
      )}
    </Grid>
  );
}
