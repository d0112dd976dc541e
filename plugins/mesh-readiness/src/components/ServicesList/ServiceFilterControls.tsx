import { KeyboardEvent, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { NOT_STARTED_PHASE } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ProgramStatus } from '../../api/MeshReadinessApi';
import type { PhaseTitleFn } from '../../hooks/usePhaseTitles';
import {
  CHECK_STATUSES,
  ServiceFilters,
  hasServiceFilters,
  isCheckStatus,
} from './serviceFilters';

const FIELD_WIDTH = 200;

/** A select of the filter; the empty value means "any". */
function FilterSelect(props: {
  id: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: Array<{ value: string; label: string }>;
  disabled?: boolean;
  onChange: (value: string | undefined) => void;
}) {
  // A value from the URL that the options do not list (a program not
  // loaded yet, a hand-written link) stays selectable rather than blank.
  const options =
    props.value && !props.options.some(o => o.value === props.value)
      ? [...props.options, { value: props.value, label: props.value }]
      : props.options;
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      value={props.value ?? ''}
      disabled={props.disabled}
      onChange={e => props.onChange(e.target.value || undefined)}
      style={{ minWidth: FIELD_WIDTH }}
      InputLabelProps={{ shrink: true }}
      SelectProps={{ displayEmpty: true }}
    >
      <MenuItem value="">{props.anyLabel}</MenuItem>
      {options.map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * A free-text filter (an entity ref, a check id), applied on Enter or when
 * the field is left, so that typing does not fetch on every key.
 */
function FilterText(props: {
  id: string;
  label: string;
  placeholder: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(props.value ?? '');
  useEffect(() => setDraft(props.value ?? ''), [props.value]);
  const apply = () => {
    const value = draft.trim() || undefined;
    if (value !== props.value) {
      props.onChange(value);
    }
  };
  return (
    <TextField
      id={props.id}
      label={props.label}
      placeholder={props.placeholder}
      value={draft}
      onChange={e => setDraft(e.target.value)}
      onBlur={apply}
      onKeyDown={(e: KeyboardEvent) => {
        if (e.key === 'Enter') {
          apply();
        }
      }}
      style={{ minWidth: FIELD_WIDTH }}
      InputLabelProps={{ shrink: true }}
    />
  );
}

function phaseOptions(
  programs: ProgramStatus[],
  program: string | undefined,
  phaseTitle: PhaseTitleFn,
) {
  const ids = [NOT_STARTED_PHASE];
  for (const status of programs) {
    if (program && status.id !== program) {
      continue;
    }
    for (const phase of status.program?.spec.phases ?? []) {
      if (!ids.includes(phase.id)) {
        ids.push(phase.id);
      }
    }
  }
  return ids.map(id => ({ value: id, label: phaseTitle(id, program) }));
}

/** The filter controls of the services list; every change is a new URL. */
export function ServiceFilterControls(props: {
  filters: ServiceFilters;
  programs: ProgramStatus[];
  phaseTitle: PhaseTitleFn;
  onChange: (filters: ServiceFilters) => void;
}) {
  const { filters, programs, phaseTitle } = props;
  const set = (change: Partial<ServiceFilters>) =>
    props.onChange({ ...filters, ...change });
  const program = programs.find(p => p.id === filters.program)?.program;
  const checks = program?.spec.checks ?? [];

  return (
    <Box display="flex" flexWrap="wrap" gridGap={16} alignItems="flex-end">
      <FilterSelect
        id="services-filter-program"
        label="Program"
        anyLabel="All programs"
        value={filters.program}
        options={programs
          .filter(p => p.program)
          .map(p => ({ value: p.id, label: p.title ?? p.id }))}
        // A wave belongs to its program: another program drops it.
        onChange={value => set({ program: value, wave: undefined })}
      />
      <FilterSelect
        id="services-filter-phase"
        label="Phase"
        anyLabel="Any phase"
        value={filters.phase}
        options={phaseOptions(programs, filters.program, phaseTitle)}
        onChange={value => set({ phase: value })}
      />
      <FilterSelect
        id="services-filter-wave"
        label="Wave"
        anyLabel={filters.program ? 'Any wave' : 'Choose a program first'}
        value={filters.wave}
        disabled={!filters.program}
        options={(program?.spec.waves ?? []).map(w => ({
          value: w.id,
          label: w.title,
        }))}
        onChange={value => set({ wave: value })}
      />
      <FilterText
        id="services-filter-owner"
        label="Owner"
        placeholder="group:default/team-a"
        value={filters.owner}
        // Child groups are of an owner: no owner drops them.
        onChange={value =>
          set({
            owner: value,
            includeChildGroups: value ? filters.includeChildGroups : undefined,
          })
        }
      />
      <FormControlLabel
        label="Include child groups"
        disabled={!filters.owner}
        control={
          <Checkbox
            id="services-filter-include-child-groups"
            checked={Boolean(filters.owner && filters.includeChildGroups)}
            onChange={e =>
              set({ includeChildGroups: e.target.checked || undefined })
            }
          />
        }
      />
      <FilterText
        id="services-filter-system"
        label="System"
        placeholder="system:default/payments"
        value={filters.system}
        onChange={value => set({ system: value })}
      />
      <FilterText
        id="services-filter-domain"
        label="Domain"
        placeholder="domain:default/commerce"
        value={filters.domain}
        onChange={value => set({ domain: value })}
      />
      {checks.length > 0 ? (
        <FilterSelect
          id="services-filter-check"
          label="Check"
          anyLabel="Any check"
          value={filters.check}
          options={checks.map(c => ({ value: c.id, label: c.id }))}
          onChange={value => set({ check: value })}
        />
      ) : (
        <FilterText
          id="services-filter-check"
          label="Check"
          placeholder="k8s.svc.protocol"
          value={filters.check}
          onChange={value => set({ check: value })}
        />
      )}
      <FilterSelect
        id="services-filter-check-status"
        label="Check status"
        anyLabel="Any status"
        value={filters.checkStatus}
        options={CHECK_STATUSES.map(s => ({ value: s, label: s }))}
        onChange={value =>
          set({
            checkStatus: value && isCheckStatus(value) ? value : undefined,
          })
        }
      />
      <Button
        variant="text"
        disabled={!hasServiceFilters(filters)}
        onClick={() => props.onChange({})}
      >
        Clear filters
      </Button>
    </Box>
  );
}
