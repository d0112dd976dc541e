import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import GetAppIcon from '@material-ui/icons/GetApp';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { meshReadinessApiRef } from '../../api/MeshReadinessApi';
import { errorMessage } from '../shared/errorMessage';

/** Props of {@link ExportCiFactsButton}. */
export interface ExportCiFactsButtonProps {
  entityRef: string;
  /** The program of the shown scorecard; the export is made for it. */
  programId: string;
}

/** `component:default/payments` → `payments-ci-facts.json`. */
export function ciFactsFileName(entityRef: string): string {
  const { name } = parseEntityRef(entityRef);
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_')}-ci-facts.json`;
}

/**
 * "Export for CI": downloads the entity's CI facts (attestations and waivers
 * in force, catalog callers and owner) as the JSON file that
 * `mesh-readiness check --ci-facts FILE` reads. Pipelines fetch the same
 * document from the API; the button serves a first try or a committed copy.
 */
export function ExportCiFactsButton(props: ExportCiFactsButtonProps) {
  const { entityRef, programId } = props;
  const api = useApi(meshReadinessApiRef);
  const alertApi = useApi(alertApiRef);
  const [exporting, setExporting] = useState(false);

  const handleExport = async () => {
    setExporting(true);
    try {
      const ciFacts = await api.getEntityCiFacts(entityRef, { programId });
      // The API needs the user's token, so the document is fetched and handed
      // to the browser as a file rather than linked directly.
      const url = URL.createObjectURL(
        new Blob([`${JSON.stringify(ciFacts, null, 2)}\n`], {
          type: 'application/json',
        }),
      );
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = ciFactsFileName(entityRef);
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
      URL.revokeObjectURL(url);
    } catch (e) {
      alertApi.post({
        message: `Export for CI failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
  };

  return (
    <Tooltip title="Attestations, waivers and catalog callers for mesh-readiness check --ci-facts">
      <span>
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          onClick={handleExport}
          disabled={exporting}
        >
          {exporting ? 'Exporting…' : 'Export for CI'}
        </Button>
      </span>
    </Tooltip>
  );
}
