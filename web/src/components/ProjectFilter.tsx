import { useAddressState } from "../hooks/useAddressState";
import {
  NO_PROJECT,
  parseProjectFilter,
  projectLabel,
  withProjectFilter,
  type ProjectFilterValue,
} from "../lib/projectFilter";
import type { Project } from "../views/data";

/** The list's project filter, kept in the address (`?project=`); a pick shows at once. */
export function useProjectFilter(): [ProjectFilterValue, (value: ProjectFilterValue) => void] {
  return useAddressState(parseProjectFilter, withProjectFilter);
}

export function ProjectFilter({
  projects,
  value,
  onChange,
}: {
  projects: readonly Project[];
  value: ProjectFilterValue;
  onChange: (value: ProjectFilterValue) => void;
}): React.JSX.Element {
  // A filter naming a project that is gone still shows as chosen, so the list is not silently widened.
  const unknown = value !== "" && value !== NO_PROJECT && !projects.some((p) => p.id === value);
  return (
    <select aria-label="Project filter" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">All projects</option>
      {projects.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
      {unknown ? <option value={value}>{value}</option> : null}
      <option value={NO_PROJECT}>No project</option>
    </select>
  );
}

/** A project column's cell content: the project's name (its path on hover), or a dash. */
export function ProjectName({
  id,
  projects,
}: {
  id: string | null | undefined;
  projects: readonly Project[];
}): React.JSX.Element {
  const label = projectLabel(id, projects);
  if (label === null) return <span className="muted">–</span>;
  const path = projects.find((p) => p.id === id)?.path;
  return <span title={path ?? id ?? undefined}>{label}</span>;
}
