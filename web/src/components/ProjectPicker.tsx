import { useState } from "react";
import { initialProject, readLastProject } from "../lib/lastProject";
import type { Project } from "../views/data";

/**
 * A form's project: the one picked in this form, else the last one used (or the only one).
 * A pick of a project that has since been removed falls back the same way.
 */
export function useFormProject(projects: readonly Project[]): [string, (id: string) => void] {
  const [chosen, setChosen] = useState<string | null>(null);
  const projectId =
    chosen !== null && projects.some((p) => p.id === chosen) ? chosen : initialProject(projects, readLastProject());
  return [projectId, setChosen];
}

export function ProjectSelect({
  label,
  projects,
  value,
  onChange,
}: {
  label: string;
  projects: readonly Project[];
  value: string;
  onChange: (id: string) => void;
}): React.JSX.Element {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {projects.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </select>
  );
}
