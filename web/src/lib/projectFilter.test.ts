import { filterByProject, matchesProject, NO_PROJECT, parseProjectFilter, projectLabel, withProjectFilter } from "./projectFilter";

describe("the project filter of every list", () => {
  const items = [
    { id: 1, project_id: "prj_a" },
    { id: 2, project_id: "prj_b" },
    { id: 3, project_id: null },
  ];

  test("keeps everything when empty, one project's records, or those without a project", () => {
    expect(filterByProject(items, "").map((i) => i.id)).toEqual([1, 2, 3]);
    expect(filterByProject(items, "prj_b").map((i) => i.id)).toEqual([2]);
    expect(filterByProject(items, NO_PROJECT).map((i) => i.id)).toEqual([3]);
    expect(matchesProject(undefined, NO_PROJECT)).toBe(true);
  });

  test("lives in ?project= next to the view's own params", () => {
    const params = new URLSearchParams("status=open&q=x");
    const set = withProjectFilter(params, "prj_a");
    expect(set.toString()).toBe("status=open&q=x&project=prj_a");
    expect(parseProjectFilter(set)).toBe("prj_a");
    expect(withProjectFilter(set, "").toString()).toBe("status=open&q=x");
  });

  test("labels a record with its project's name, the id of an unregistered one, or nothing", () => {
    const projects = [{ id: "prj_a", name: "alpha", path: "/a", created_at: "2026-11-26T06:00:00Z" }];
    expect(projectLabel("prj_a", projects)).toBe("alpha");
    expect(projectLabel("prj_gone", projects)).toBe("prj_gone");
    expect(projectLabel(null, projects)).toBeNull();
  });
});
